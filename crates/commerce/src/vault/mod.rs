//! Buyers' personal data: consignee name, phone and address.
//!
//! Stored only sealed (AES-GCM via [`kaifang_platform::crypto::Vault`], one purpose per field so
//! a ciphertext moved to another column does not open) plus desensitised forms. The APIs return
//! the desensitised forms and the `encrypted*` tokens; plaintext comes only out of [`decrypt`],
//! under the decrypt rules (protocol-notes §6.5).
//!
//! # The encrypted token
//!
//! `encryptedConsignee`, `encryptedMobile` and `encryptedAddress` are `#` + standard Base64 of the
//! sealed bytes (nonce + ciphertext + tag) + `#`, e.g. `#q83vEjRWeJCrze8SNFZ4kA…#`. It is opaque
//! to apps; [`decrypt`] accepts it only together with the order it came from.

mod decrypt;

pub use decrypt::{
    DECRYPT_BATCH_MAX, DECRYPT_WINDOW_AFTER_SUCCESS, DEFAULT_DAILY_DECRYPT_QUOTA, DecryptItem,
    DecryptRate, DecryptResult, Decryptor, daily_decrypt_quota, decrypt, decrypt_rate,
    set_daily_decrypt_quota,
};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use kaifang_platform::crypto::Vault;

/// Vault purpose of the consignee's name.
pub const PURPOSE_CONSIGNEE: &str = "order.consignee";
/// Vault purpose of the consignee's phone.
pub const PURPOSE_MOBILE: &str = "order.mobile";
/// Vault purpose of the detailed street address.
pub const PURPOSE_ADDRESS: &str = "order.address";

/// A delivery address in plaintext, as the buyer enters it. Lives only in memory.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct Consignee {
    /// Recipient's name.
    pub name: String,
    /// Recipient's mobile number.
    pub mobile: String,
    /// Province.
    pub province: String,
    /// Province code.
    #[serde(default)]
    pub province_code: i64,
    /// City.
    pub city: String,
    /// City code.
    #[serde(default)]
    pub city_code: i64,
    /// District.
    pub district: String,
    /// District code.
    #[serde(default)]
    pub district_code: i64,
    /// Town / street.
    #[serde(default)]
    pub town: String,
    /// Town code.
    #[serde(default)]
    pub town_code: i64,
    /// The detailed address (street, building, room).
    pub detail: String,
}

/// The stored form: sealed fields plus desensitised copies.
#[derive(Debug, Clone)]
pub struct SealedConsignee {
    /// Sealed name.
    pub consignee_enc: Vec<u8>,
    /// Sealed mobile.
    pub mobile_enc: Vec<u8>,
    /// Sealed detailed address.
    pub address_enc: Vec<u8>,
    /// `desensitiseConsignee`, e.g. `张*`.
    pub consignee_masked: String,
    /// `desensitiseMobile`, e.g. `138****8000`.
    pub mobile_masked: String,
    /// `desensitiseAddress`: region plus a masked detail.
    pub address_masked: String,
}

impl Consignee {
    /// Checks the fields a delivery needs.
    pub fn validate(&self) -> crate::Result<()> {
        let name = self.name.trim().chars().count();
        if name == 0 || name > 50 {
            return Err(crate::Error::invalid(
                "the consignee name must be 1 to 50 characters",
            ));
        }
        let m = self.mobile.trim();
        if m.len() < 7 || m.len() > 20 || !m.chars().all(|c| c.is_ascii_digit() || c == '-') {
            return Err(crate::Error::invalid(
                "the consignee mobile must be 7 to 20 digits, e.g. 13800138000",
            ));
        }
        if self.province.trim().is_empty() || self.detail.trim().is_empty() {
            return Err(crate::Error::invalid(
                "the address needs at least a province and a detailed address",
            ));
        }
        Ok(())
    }

    /// Seals the personal fields and computes the desensitised forms.
    pub fn seal(&self, vault: &Vault) -> SealedConsignee {
        SealedConsignee {
            consignee_enc: vault.seal_str(PURPOSE_CONSIGNEE, self.name.trim()),
            mobile_enc: vault.seal_str(PURPOSE_MOBILE, self.mobile.trim()),
            address_enc: vault.seal_str(PURPOSE_ADDRESS, self.detail.trim()),
            consignee_masked: mask_name(&self.name),
            mobile_masked: mask_mobile(&self.mobile),
            address_masked: mask_address(self),
        }
    }
}

/// `张三` -> `张*`, `欧阳娜娜` -> `欧***`: the first character, then one `*` per other character.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        None => String::new(),
        Some(first) => {
            let rest = chars.count().max(1);
            format!("{first}{}", "*".repeat(rest))
        }
    }
}

/// `13800138000` -> `138****8000`; shorter numbers keep only their last 4 digits.
pub fn mask_mobile(mobile: &str) -> String {
    let m: Vec<char> = mobile.trim().chars().collect();
    if m.len() >= 11 {
        let head: String = m[..3].iter().collect();
        let tail: String = m[m.len() - 4..].iter().collect();
        format!("{head}****{tail}")
    } else if m.len() > 4 {
        let tail: String = m[m.len() - 4..].iter().collect();
        format!("****{tail}")
    } else {
        "****".into()
    }
}

/// Region in clear, the detailed address replaced by `****`: `浙江省杭州市西湖区****`.
pub fn mask_address(c: &Consignee) -> String {
    format!(
        "{}{}{}{}****",
        c.province.trim(),
        c.city.trim(),
        c.district.trim(),
        c.town.trim()
    )
}

/// The `encrypted*` token of sealed bytes: `#` + Base64 + `#`.
pub fn token(sealed: &[u8]) -> String {
    format!("#{}#", STANDARD.encode(sealed))
}

/// The sealed bytes inside a token, if it is one.
pub fn parse_token(token: &str) -> Option<Vec<u8>> {
    let inner = token.trim().strip_prefix('#')?.strip_suffix('#')?;
    STANDARD.decode(inner).ok()
}
