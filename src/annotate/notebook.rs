//! Jupyter notebooks (`.ipynb`): which cell, and which part of it (source or output), a key is
//! in. Line and column stay those of the `.ipynb` file itself (also for a notebook saved as one
//! line of JSON); the cell goes into the message.

use super::json_path::{paths_at, Seg};

/// Where in a notebook a byte lies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// `cell` is 1-based, in notebook order; `part` is `source`, `output` or `attachment`.
    Cell {
        cell: usize,
        part: &'static str,
    },
    /// Notebook or kernel metadata, outside any cell.
    Metadata,
    Other,
}

impl Place {
    /// " in cell 3 (output)", appended to a finding's message.
    pub fn describe(&self) -> Option<String> {
        match self {
            Place::Cell { cell, part } => Some(format!("in cell {cell} ({part})")),
            Place::Metadata => Some("in the notebook metadata".to_string()),
            Place::Other => None,
        }
    }
}

fn place_of(path: &[Seg]) -> Place {
    // nbformat 4: cells[i]; nbformat 3: worksheets[w].cells[i].
    let Some(pos) = path.iter().position(|s| *s == Seg::Key("cells".into())) else {
        return match path.first() {
            Some(Seg::Key(k)) if k == "metadata" => Place::Metadata,
            _ => Place::Other,
        };
    };
    let Some(Seg::Index(i)) = path.get(pos + 1) else {
        return Place::Other;
    };
    let part = match path.get(pos + 2) {
        Some(Seg::Key(k)) if k == "outputs" => "output",
        Some(Seg::Key(k)) if k == "attachments" => "attachment",
        Some(Seg::Key(k)) if k == "metadata" => "metadata",
        _ => "source",
    };
    Place::Cell { cell: i + 1, part }
}

/// The place of each of `offsets` (sorted ascending), or Err(byte position) when the notebook
/// is not valid JSON before the last offset.
pub fn places(data: &[u8], offsets: &[usize]) -> Result<Vec<Place>, usize> {
    Ok(paths_at(data, offsets)?
        .iter()
        .map(|p| place_of(p))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_outputs() {
        let nb = r##"{"cells": [
 {"cell_type": "markdown", "source": ["# title"]},
 {"cell_type": "code", "source": ["k = 'AAA'"], "outputs": []},
 {"cell_type": "code", "source": ["print(env)"], "outputs": [{"output_type": "stream", "text": ["BBB"]}]}
], "metadata": {"x": "CCC"}}"##;
        let offs: Vec<usize> = ["AAA", "BBB", "CCC"]
            .iter()
            .map(|n| nb.find(n).unwrap())
            .collect();
        let got = places(nb.as_bytes(), &offs).unwrap();
        assert_eq!(
            got[0],
            Place::Cell {
                cell: 2,
                part: "source"
            }
        );
        assert_eq!(
            got[1],
            Place::Cell {
                cell: 3,
                part: "output"
            }
        );
        assert_eq!(got[2], Place::Metadata);
        assert_eq!(got[1].describe().unwrap(), "in cell 3 (output)");
    }
}
