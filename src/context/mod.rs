//! Context: where a match lives and what that means (an env file, a browser bundle, a
//! notebook, CI config, docs), added to findings as tags and message text.

pub mod file_class;

use crate::finding::Finding;

/// Tags a finding by the file it is in. `data` is the blob, `offset` where the match starts.
pub fn classify(f: &mut Finding, _data: &[u8], _offset: usize) {
    for tag in file_class::tags_for_path(&f.path) {
        f.add_tag(tag);
    }
}
