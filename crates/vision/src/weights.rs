//! Reads the `.f16` weights file (its format: the crate's docs) into named f32 tensors.

use std::fmt;

const MAGIC: &[u8; 4] = b"SBVW";
const VERSION: u32 = 1;

/// Why a weights file could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelError {
    /// The file does not start with `SBVW`: not a converted weights file.
    NotAWeightsFile,
    /// A format version this code does not read.
    UnsupportedVersion(u32),
    /// The file ends before its table or its data does.
    Truncated,
    /// Bytes after the last tensor's data.
    TrailingBytes(usize),
    /// The file's tensors are not the ones EfficientNet-Lite0 needs, in its order.
    UnexpectedTensor { expected: String, found: String },
    /// A tensor of the right name has the wrong shape.
    WrongShape {
        name: String,
        expected: Vec<usize>,
        found: Vec<usize>,
    },
    /// A weight that is infinite or not a number.
    NotFinite(String),
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAWeightsFile => write!(f, "not a shopbag weights file (no SBVW magic)"),
            Self::UnsupportedVersion(v) => write!(f, "weights file version {v} is not supported"),
            Self::Truncated => write!(f, "the weights file is truncated"),
            Self::TrailingBytes(n) => write!(f, "{n} unexpected bytes after the weights"),
            Self::UnexpectedTensor { expected, found } => {
                write!(f, "expected tensor {expected}, found {found}")
            }
            Self::WrongShape {
                name,
                expected,
                found,
            } => write!(
                f,
                "tensor {name} has shape {found:?}, expected {expected:?}"
            ),
            Self::NotFinite(name) => write!(f, "tensor {name} holds a non-finite weight"),
        }
    }
}

impl std::error::Error for ModelError {}

/// One tensor of the file, widened to f32.
pub(crate) struct Tensor {
    pub name: String,
    pub shape: Vec<usize>,
    pub values: Vec<f32>,
}

/// A cursor over the file's bytes that turns running out into [`ModelError::Truncated`].
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        if self.bytes.len() < n {
            return Err(ModelError::Truncated);
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, ModelError> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, ModelError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

/// Every tensor of the file, in file order.
pub(crate) fn read(bytes: &[u8]) -> Result<Vec<Tensor>, ModelError> {
    let mut reader = Reader { bytes };
    if reader.take(4).map_err(|_| ModelError::NotAWeightsFile)? != MAGIC {
        return Err(ModelError::NotAWeightsFile);
    }
    let version = reader.u32()?;
    if version != VERSION {
        return Err(ModelError::UnsupportedVersion(version));
    }
    let count = reader.u32()? as usize;
    let mut table = Vec::new();
    for _ in 0..count {
        let name_len = reader.u8()? as usize;
        let name = String::from_utf8_lossy(reader.take(name_len)?).into_owned();
        let rank = reader.u8()? as usize;
        let shape = (0..rank)
            .map(|_| reader.u32().map(|d| d as usize))
            .collect::<Result<Vec<_>, _>>()?;
        table.push((name, shape));
    }
    let mut tensors = Vec::with_capacity(count);
    for (name, shape) in table {
        let len = shape
            .iter()
            .try_fold(1usize, |n, &d| n.checked_mul(d))
            .ok_or(ModelError::Truncated)?;
        let raw = reader.take(len.checked_mul(2).ok_or(ModelError::Truncated)?)?;
        let values: Vec<f32> = raw
            .chunks_exact(2)
            .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
            .collect();
        if values.iter().any(|v| !v.is_finite()) {
            return Err(ModelError::NotFinite(name));
        }
        tensors.push(Tensor {
            name,
            shape,
            values,
        });
    }
    if !reader.bytes.is_empty() {
        return Err(ModelError::TrailingBytes(reader.bytes.len()));
    }
    Ok(tensors)
}

/// Hands out the file's tensors in order, checking each against what the network expects next.
pub(crate) struct Tensors {
    inner: std::vec::IntoIter<Tensor>,
}

impl Tensors {
    pub fn new(tensors: Vec<Tensor>) -> Self {
        Self {
            inner: tensors.into_iter(),
        }
    }

    /// The next tensor's values, which must be called `name` and have `shape`.
    pub fn next(&mut self, name: &str, shape: &[usize]) -> Result<Vec<f32>, ModelError> {
        let tensor = self
            .inner
            .next()
            .ok_or_else(|| ModelError::UnexpectedTensor {
                expected: name.to_owned(),
                found: "the end of the file".to_owned(),
            })?;
        if tensor.name != name {
            return Err(ModelError::UnexpectedTensor {
                expected: name.to_owned(),
                found: tensor.name,
            });
        }
        if tensor.shape != shape {
            return Err(ModelError::WrongShape {
                name: tensor.name,
                expected: shape.to_vec(),
                found: tensor.shape,
            });
        }
        Ok(tensor.values)
    }

    /// Tensors the network has no use for are an error: the file is for another network.
    pub fn finish(mut self) -> Result<(), ModelError> {
        match self.inner.next() {
            None => Ok(()),
            Some(extra) => Err(ModelError::UnexpectedTensor {
                expected: "the end of the file".to_owned(),
                found: extra.name,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file in the documented format, written by hand.
    fn file(tensors: &[(&str, &[u32], &[f32])]) -> Vec<u8> {
        let mut out = b"SBVW".to_vec();
        out.extend(1u32.to_le_bytes());
        out.extend((tensors.len() as u32).to_le_bytes());
        for (name, shape, _) in tensors {
            out.push(name.len() as u8);
            out.extend(name.as_bytes());
            out.push(shape.len() as u8);
            for d in *shape {
                out.extend(d.to_le_bytes());
            }
        }
        for (_, _, values) in tensors {
            for v in *values {
                out.extend(half::f16::from_f32(*v).to_le_bytes());
            }
        }
        out
    }

    #[test]
    fn reads_names_shapes_and_f16_values() {
        let bytes = file(&[("a", &[2, 1], &[1.5, -0.25]), ("b", &[1], &[3.0])]);
        let tensors = read(&bytes).unwrap();
        assert_eq!(tensors.len(), 2);
        assert_eq!(tensors[0].name, "a");
        assert_eq!(tensors[0].shape, vec![2, 1]);
        assert_eq!(tensors[0].values, vec![1.5, -0.25]);
        assert_eq!(tensors[1].values, vec![3.0]);
    }

    #[test]
    fn refuses_damaged_files() {
        let good = file(&[("a", &[2], &[1.0, 2.0])]);
        assert_eq!(read(b"PK\x03\x04").err(), Some(ModelError::NotAWeightsFile));
        assert_eq!(
            read(&good[..good.len() - 1]).err(),
            Some(ModelError::Truncated)
        );
        let mut longer = good.clone();
        longer.push(0);
        assert_eq!(read(&longer).err(), Some(ModelError::TrailingBytes(1)));
        let mut version = good.clone();
        version[4] = 2;
        assert_eq!(
            read(&version).err(),
            Some(ModelError::UnsupportedVersion(2))
        );
        let nan = file(&[("a", &[1], &[f32::NAN])]);
        assert_eq!(read(&nan).err(), Some(ModelError::NotFinite("a".into())));
    }

    #[test]
    fn checks_each_tensor_against_the_network() {
        let bytes = file(&[("a", &[2], &[1.0, 2.0])]);
        let mut tensors = Tensors::new(read(&bytes).unwrap());
        assert!(matches!(
            tensors.next("a", &[3]),
            Err(ModelError::WrongShape { .. })
        ));
        let mut tensors = Tensors::new(read(&bytes).unwrap());
        assert!(matches!(
            tensors.next("b", &[2]),
            Err(ModelError::UnexpectedTensor { .. })
        ));
        let tensors = Tensors::new(read(&bytes).unwrap());
        assert!(tensors.finish().is_err());
    }
}
