//! A picture's embedding: 1280 numbers of unit length, compared by cosine and stored as bytes.

use std::fmt;

/// What the network makes of a picture: similar garments point the same way.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedding {
    values: Vec<f32>,
}

/// Why bytes are not an embedding.
#[derive(Debug, Clone, PartialEq)]
pub enum EmbeddingError {
    /// Not 1280 little-endian f32 (5120 bytes).
    WrongLength(usize),
    /// The numbers are not of unit length (or not finite): not an embedding this crate made.
    NotUnitLength(f32),
}

impl fmt::Display for EmbeddingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongLength(n) => {
                write!(f, "an embedding is {} bytes, not {n}", Embedding::LEN * 4)
            }
            Self::NotUnitLength(norm) => {
                write!(f, "an embedding has length 1, these bytes have {norm}")
            }
        }
    }
}

impl std::error::Error for EmbeddingError {}

/// How far from 1 a stored embedding's length may be: f32 sums of 1280 squares round to about
/// 1e-6; anything much further is not an embedding.
const UNIT_TOLERANCE: f32 = 1e-3;

impl Embedding {
    /// The number of values.
    pub const LEN: usize = 1280;

    /// Scales `values` to unit length. All zeros (a network whose every head unit is off, which
    /// real pictures do not give) stays zero rather than becoming NaN.
    pub(crate) fn normalised(mut values: Vec<f32>) -> Embedding {
        assert_eq!(values.len(), Self::LEN);
        let norm = norm(&values);
        if norm > 0.0 {
            for v in &mut values {
                *v /= norm;
            }
        }
        Embedding { values }
    }

    /// The values, unit length.
    pub fn values(&self) -> &[f32] {
        &self.values
    }

    /// The cosine of the angle between two embeddings, from −1 to 1 (1: the same direction). The
    /// head ends in ReLU6, so real embeddings are never negative and this stays in 0..=1.
    pub fn cosine(&self, other: &Embedding) -> f32 {
        self.values
            .iter()
            .zip(&other.values)
            .map(|(a, b)| a * b)
            .sum()
    }

    /// The values as 1280 little-endian f32, for a database column or a message.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.values.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    /// The inverse of [`Embedding::to_bytes`], refusing anything that is not an embedding.
    pub fn from_bytes(bytes: &[u8]) -> Result<Embedding, EmbeddingError> {
        if bytes.len() != Self::LEN * 4 {
            return Err(EmbeddingError::WrongLength(bytes.len()));
        }
        let values: Vec<f32> = bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        let norm = norm(&values);
        if !norm.is_finite() || (norm - 1.0).abs() > UNIT_TOLERANCE {
            return Err(EmbeddingError::NotUnitLength(norm));
        }
        Ok(Embedding { values })
    }
}

fn norm(values: &[f32]) -> f32 {
    values.iter().map(|v| v * v).sum::<f32>().sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn embedding(f: impl Fn(usize) -> f32) -> Embedding {
        Embedding::normalised((0..Embedding::LEN).map(f).collect())
    }

    #[test]
    fn normalises_to_unit_length() {
        let e = embedding(|i| i as f32);
        assert!((norm(e.values()) - 1.0).abs() < 1e-6);
        assert!((e.cosine(&e) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn cosine_of_disjoint_and_scaled_vectors() {
        let evens = embedding(|i| if i % 2 == 0 { 1.0 } else { 0.0 });
        let odds = embedding(|i| if i % 2 == 1 { 3.0 } else { 0.0 });
        assert_eq!(evens.cosine(&odds), 0.0);
        // Scaling before normalising does not change the direction.
        let big = embedding(|i| if i % 2 == 0 { 7.0 } else { 0.0 });
        assert!((evens.cosine(&big) - 1.0).abs() < 1e-5);
        // Half the coordinates shared: cos = 640 / (sqrt(1280) * sqrt(640)) = 1/sqrt(2).
        let all = embedding(|_| 1.0);
        assert!((evens.cosine(&all) - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-5);
    }

    #[test]
    fn bytes_round_trip() {
        let e = embedding(|i| (i as f32 * 0.37).sin().abs());
        let bytes = e.to_bytes();
        assert_eq!(bytes.len(), 5120);
        assert_eq!(Embedding::from_bytes(&bytes).unwrap(), e);
    }

    #[test]
    fn from_bytes_refuses_what_is_not_an_embedding() {
        assert_eq!(
            Embedding::from_bytes(&[0; 12]),
            Err(EmbeddingError::WrongLength(12))
        );
        assert!(matches!(
            Embedding::from_bytes(&[0; 5120]),
            Err(EmbeddingError::NotUnitLength(_))
        ));
        let doubled: Vec<u8> = embedding(|_| 1.0)
            .values()
            .iter()
            .flat_map(|v| (v * 2.0).to_le_bytes())
            .collect();
        assert!(matches!(
            Embedding::from_bytes(&doubled),
            Err(EmbeddingError::NotUnitLength(_))
        ));
        let nan: Vec<u8> = (0..1280).flat_map(|_| f32::NAN.to_le_bytes()).collect();
        assert!(Embedding::from_bytes(&nan).is_err());
    }
}
