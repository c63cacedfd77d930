//! Entry point of the staff console: mount the router on <body>.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(renkei_staff::App);
}
