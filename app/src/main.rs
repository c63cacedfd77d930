//! Entry point of the SPA: mount the screens on <body>.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(renkei_app::App);
}
