//! Keys the instances of one deployment share (server_secrets).

use crate::*;

impl Storage {
    /// The 32-byte key named `name`: made by whichever instance asks first,
    /// read by every other (one insert that loses a race changes nothing).
    pub async fn server_secret(&self, name: &str) -> anyhow::Result<[u8; 32]> {
        let fresh = hex::encode(rand::random::<[u8; 32]>());
        sqlx::query!(
            "INSERT INTO server_secrets (name, secret) VALUES ($1, $2)
             ON CONFLICT (name) DO NOTHING",
            name,
            &fresh,
        )
        .execute(self.write())
        .await?;
        let stored: String =
            sqlx::query_scalar!("SELECT secret FROM server_secrets WHERE name = $1", name,)
                .fetch_one(self.read())
                .await?;
        let mut key = [0u8; 32];
        hex::decode_to_slice(&stored, &mut key)?;
        Ok(key)
    }
}
