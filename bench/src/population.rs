//! The scale run's population (issue #22): the synthetic customers of
//! `renkei-fixture` as the files a core banking system exports, so each
//! union's accounts go in by `renkei-server records import` like a real
//! union's. Two passes, the PINs hashed in between by the server's own
//! `records hash-pin` (its parameters and pepper): `pins` writes what that
//! reads, `accounts` turns what it writes into an accounts file.

use std::io::{BufRead, Write};

/// `records hash-pin`'s input for the first `n` synthetic customers.
pub fn pins(n: usize, out: &mut impl Write) -> anyhow::Result<()> {
    writeln!(out, "branch,kind,number,pin")?;
    for i in 0..n {
        let c = renkei_fixture::synthetic(i);
        writeln!(out, "{},{},{},{}", c.branch, c.kind, c.number, c.pin)?;
    }
    Ok(())
}

/// `records hash-pin`'s output (`branch,kind,number,pin_hash`, the hash
/// quoted) in, an accounts file of the same customers out.
pub fn accounts(input: impl BufRead, out: &mut impl Write) -> anyhow::Result<()> {
    writeln!(
        out,
        "branch,kind,number,holder_kana,birth_date,phone,cash_card,status,\
         moved_to_branch,moved_to_number,balance,available_balance,pin_hash"
    )?;
    for line in input.lines() {
        let line = line?;
        let mut fields = line.splitn(4, ',');
        let (Some(_branch), Some(_kind), Some(number), Some(hash)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            anyhow::bail!("not a hash-pin line: {line}");
        };
        if number == "number" {
            continue;
        }
        let i: usize = number.parse()?;
        let c = renkei_fixture::synthetic(i);
        anyhow::ensure!(c.number == number, "{number} is not a synthetic customer's");
        writeln!(
            out,
            "{},{},{},{},{},{},1,active,,,{},{},{}",
            c.branch,
            c.kind,
            c.number,
            c.kana,
            c.birth_date,
            c.phone,
            c.opening_balance,
            c.opening_balance,
            hash,
        )?;
    }
    Ok(())
}
