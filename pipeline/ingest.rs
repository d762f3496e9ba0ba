//! Ingest: find the `.txt` files of a corpus and decode them into [`Document`]s.
//!
//! UTF-8 is tried first. A byte that is not UTF-8 is decoded as Windows-1252 (a superset
//! of Latin-1 that every byte decodes under): the whole file when it holds no UTF-8 beyond
//! ASCII, else only that byte, so that one stray curly quote pasted from a word processor
//! does not turn every "’" of a UTF-8 article into "â€™". A UTF-16 file with a BOM is
//! decoded as UTF-16. Binary files are skipped with a reason rather than fed to the
//! analyzer as mojibake.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};

/// One article of the corpus.
#[derive(Debug, Clone)]
pub struct Document {
    /// The path relative to the corpus root (or the file name for a file given directly).
    pub id: String,
    /// The decoded text. Passage offsets index into these bytes, which are the file's own
    /// bytes whenever the file is UTF-8 (without BOM).
    pub text: String,
    /// The encoding the text was decoded from.
    pub encoding: &'static str,
    /// In a UTF-8 file with bytes that are not UTF-8 ([`UTF_8_MIXED`]), the text offsets of
    /// the characters decoded from those bytes (one Windows-1252 byte each), sorted; empty
    /// otherwise.
    pub fallback: Vec<usize>,
}

impl Document {
    /// A document of UTF-8 text, as a UTF-8 file gives it.
    pub fn utf8(id: impl Into<String>, text: impl Into<String>) -> Self {
        Self::decoded(id, Decoded::whole(text.into(), UTF_8))
    }

    /// A document of a file's text as [`decode`] read it.
    pub fn decoded(id: impl Into<String>, decoded: Decoded) -> Self {
        Self {
            id: id.into(),
            text: decoded.text,
            encoding: decoded.encoding,
            fallback: decoded.fallback,
        }
    }
}

/// A file that was found but not used, with the reason.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SkippedFile {
    /// The path of the file as found.
    pub path: String,
    /// Why it was skipped.
    pub reason: String,
}

/// The documents of a corpus and the files passed over.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    /// Usable documents, sorted by id so that the order never depends on the file system.
    pub documents: Vec<Document>,
    /// Files skipped, with reasons, in path order.
    pub skipped: Vec<SkippedFile>,
}

/// Reads every `.txt` file under each of `paths` (folders are walked recursively; files
/// are taken as given, whatever their extension).
pub fn read_corpus(paths: &[PathBuf]) -> Result<Corpus> {
    let mut corpus = Corpus::default();
    // With several corpus paths, ids keep the path as given so that `a/x.txt` and
    // `b/x.txt` stay two documents; a file reached twice is read once.
    let several = paths.len() > 1;
    // Each file's real path, with the id it was first read under: a file reached twice
    // (through a link, or named twice) is read once and the second path is reported.
    let mut seen: std::collections::HashMap<PathBuf, (String, bool)> = Default::default();
    for root in paths {
        let meta = std::fs::metadata(root).map_err(|cause| Error::Read {
            path: root.clone(),
            cause,
        })?;
        if meta.is_file() {
            let id = match root.file_name() {
                Some(name) if !several => path_id(Path::new(name)),
                _ => path_id(root),
            };
            read_once(root, id, &mut seen, &mut corpus)?;
            continue;
        }
        let mut files = Vec::new();
        // walkdir detects symlink loops and reports them as errors instead of recursing.
        for entry in walkdir::WalkDir::new(root).follow_links(true) {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    if e.path()
                        .extension()
                        .is_some_and(|x| x.eq_ignore_ascii_case("txt"))
                    {
                        files.push((e.path_is_symlink(), e.into_path()));
                    }
                }
                Ok(_) => {}
                Err(e) => corpus.skipped.push(SkippedFile {
                    path: e
                        .path()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default(),
                    reason: e.to_string(),
                }),
            }
        }
        // Files before links, each in path order: a file and a link to it are read under
        // the file's own name, and the link is the one reported.
        files.sort();
        if files.is_empty() {
            return Err(Error::EmptyCorpus {
                path: root.clone(),
                reason: "the folder holds no .txt files".into(),
            });
        }
        for (_, file) in files {
            let relative = if several {
                &file
            } else {
                file.strip_prefix(root).unwrap_or(&file)
            };
            read_once(&file, path_id(relative), &mut seen, &mut corpus)?;
        }
    }
    corpus.documents.sort_by(|a, b| a.id.cmp(&b.id));
    drop_duplicate_documents(&mut corpus);
    if corpus.documents.is_empty() {
        let path = paths.first().cloned().unwrap_or_default();
        let reason = match corpus.skipped.first() {
            Some(s) => format!("every file was skipped (first: {}: {})", s.path, s.reason),
            None => "no files given".into(),
        };
        return Err(Error::EmptyCorpus { path, reason });
    }
    Ok(corpus)
}

/// A document id for `path`, with `/` between components on every system. On Unix, a
/// path that is not UTF-8 keeps its stray bytes as `\xNN` escapes (and its backslashes as
/// `\x5C`, so that an escape reads one way): a lossy "�" would give two names that differ
/// only in such bytes one id.
#[cfg(unix)]
fn path_id(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    if let Ok(id) = std::str::from_utf8(bytes) {
        return id.to_string();
    }
    let mut id = String::new();
    for chunk in bytes.utf8_chunks() {
        id.push_str(&chunk.valid().replace('\\', "\\x5C"));
        for byte in chunk.invalid() {
            id.push_str(&format!("\\x{byte:02X}"));
        }
    }
    id
}

/// A document id for `path`, with `/` between components on every system.
#[cfg(not(unix))]
fn path_id(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Reads `path` unless its real file was reached already, in which case it is reported as
/// skipped, naming the id it was read under (and whether that was skipped too).
fn read_once(
    path: &Path,
    id: String,
    seen: &mut std::collections::HashMap<PathBuf, (String, bool)>,
    corpus: &mut Corpus,
) -> Result<()> {
    let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    match seen.get(&real) {
        Some((first, _)) if *first == id => {
            corpus.skipped.push(SkippedFile {
                path: path.display().to_string(),
                reason: "given twice".into(),
            });
            Ok(())
        }
        Some((first, read)) => {
            let also = if *read { "" } else { ", which was skipped" };
            corpus.skipped.push(SkippedFile {
                path: path.display().to_string(),
                reason: format!("same file as {first}{also}"),
            });
            Ok(())
        }
        None => {
            let documents = corpus.documents.len();
            read_one(path, id.clone(), corpus)?;
            seen.insert(real, (id, corpus.documents.len() > documents));
            Ok(())
        }
    }
}

/// The same article saved twice under two names would count twice in every share: the
/// copy (the later id) is skipped, naming the document it repeats.
fn drop_duplicate_documents(corpus: &mut Corpus) {
    let mut first_with_text: std::collections::HashMap<&str, &str> = Default::default();
    let mut duplicates = Vec::new();
    for (i, d) in corpus.documents.iter().enumerate() {
        if let Some(first) = first_with_text.insert(d.text.as_str(), d.id.as_str()) {
            first_with_text.insert(d.text.as_str(), first);
            duplicates.push((i, format!("same text as {first}")));
        }
    }
    for (i, reason) in duplicates.into_iter().rev() {
        let d = corpus.documents.remove(i);
        corpus.skipped.push(SkippedFile { path: d.id, reason });
    }
}

fn read_one(path: &Path, id: String, corpus: &mut Corpus) -> Result<()> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            // An unreadable file in a scraped folder should not stop the run.
            corpus.skipped.push(SkippedFile {
                path: path.display().to_string(),
                reason: format!("unreadable: {e}"),
            });
            return Ok(());
        }
    };
    match decode(&bytes) {
        Ok(decoded) if decoded.text.trim().is_empty() => {
            corpus.skipped.push(SkippedFile {
                path: path.display().to_string(),
                reason: "empty or whitespace only".into(),
            });
        }
        Ok(decoded) => corpus.documents.push(Document::decoded(id, decoded)),
        Err(reason) => corpus.skipped.push(SkippedFile {
            path: path.display().to_string(),
            reason,
        }),
    }
    Ok(())
}

/// Where each byte of a document's decoded text came from in its file. Outputs give
/// offsets into the file; for a file that was not UTF-8 (Windows-1252, UTF-16) those differ
/// from offsets into the decoded text, which the stages work in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceMap {
    /// Runs of characters that take the same number of bytes in the text and in the file,
    /// each given by its first character; sorted. Empty: the text's bytes are the file's.
    runs: Vec<Run>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    text: usize,
    file: usize,
    text_width: usize,
    file_width: usize,
}

impl SourceMap {
    /// The map of a document as [`decode`] made it.
    pub fn of(document: &Document) -> Self {
        // What each character took in the file: the decoders used below map one Windows-1252
        // byte or one UTF-16 code unit (two for a surrogate pair) to one character.
        let fallback = &document.fallback;
        let (start, width): (usize, &dyn Fn(usize, char) -> usize) = match document.encoding {
            WINDOWS_1252 => (0, &|_, _| 1),
            UTF_16LE | UTF_16BE => (2, &|_, c| 2 * c.len_utf16()),
            // The BOM's three spaces are its three bytes.
            UTF_8_MIXED | UTF_8_BOM_MIXED => (0, &|at, c| {
                if fallback.binary_search(&at).is_ok() {
                    1
                } else {
                    c.len_utf8()
                }
            }),
            // The BOM became three spaces: the text's bytes are the file's.
            UTF_8 | UTF_8_BOM => return Self::default(),
            other => {
                // A document made by hand (tests, library users) with another name: its
                // offsets cannot be mapped, so they are taken as they are.
                debug_assert!(false, "no source map for encoding {other:?}");
                return Self::default();
            }
        };
        let mut runs: Vec<Run> = Vec::new();
        let mut file = start;
        for (text, c) in document.text.char_indices() {
            let bytes = width(text, c);
            let (text_width, file_width) = match (c.len_utf8(), bytes) {
                // Byte for byte: one run for a whole stretch, whatever its characters.
                (t, f) if t == f => (1, 1),
                widths => widths,
            };
            if runs
                .last()
                .is_none_or(|r| (r.text_width, r.file_width) != (text_width, file_width))
            {
                runs.push(Run {
                    text,
                    file,
                    text_width,
                    file_width,
                });
            }
            file += bytes;
        }
        // The end of the text is the end of the file (past the BOM even when nothing follows).
        runs.push(Run {
            text: document.text.len(),
            file,
            text_width: 1,
            file_width: 1,
        });
        Self { runs }
    }

    /// The file offset of a text offset that falls on a character boundary (or the end).
    pub fn file_offset(&self, text: usize) -> usize {
        match self.runs.partition_point(|r| r.text <= text) {
            0 => text,
            i => {
                let r = self.runs[i - 1];
                r.file + (text - r.text) / r.text_width * r.file_width
            }
        }
    }

    /// [`SourceMap::file_offset`] of both ends of a range.
    pub fn file_range(&self, text: std::ops::Range<usize>) -> std::ops::Range<usize> {
        self.file_offset(text.start)..self.file_offset(text.end)
    }
}

/// The names [`decode`] gives the encodings it reads (as `run.json` shows them).
pub const UTF_8: &str = "UTF-8";
/// UTF-8 after a byte-order mark.
pub const UTF_8_BOM: &str = "UTF-8 (BOM)";
/// UTF-16, little-endian, after its byte-order mark.
pub const UTF_16LE: &str = "UTF-16LE";
/// UTF-16, big-endian, after its byte-order mark.
pub const UTF_16BE: &str = "UTF-16BE";
/// The fallback for a file whose bytes are not UTF-8.
pub const WINDOWS_1252: &str = "windows-1252";
/// UTF-8 with some bytes that are not, each decoded as Windows-1252.
pub const UTF_8_MIXED: &str = "UTF-8, with Windows-1252 for bytes that are not UTF-8";
/// The same after a byte-order mark.
pub const UTF_8_BOM_MIXED: &str = "UTF-8 (BOM), with Windows-1252 for bytes that are not UTF-8";

/// A file's text as [`decode`] read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// One of the encoding names above.
    pub encoding: &'static str,
    /// [`Document::fallback`].
    pub fallback: Vec<usize>,
}

impl Decoded {
    fn whole(text: String, encoding: &'static str) -> Self {
        Self {
            text,
            encoding,
            fallback: Vec::new(),
        }
    }
}

/// Decodes a file's bytes, or says why they are not text.
pub fn decode(bytes: &[u8]) -> std::result::Result<Decoded, String> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        // The BOM becomes three spaces (trimmed off any paragraph) so that offsets in
        // the text stay offsets in the file.
        return Ok(match std::str::from_utf8(&bytes[3..]) {
            Ok(s) => Decoded::whole(format!("   {s}"), UTF_8_BOM),
            // The BOM says UTF-8: a stray byte is read alone, however few characters
            // beyond ASCII are UTF-8.
            Err(_) => {
                let (text, fallback, _) = utf8_with_fallback(&bytes[3..]);
                Decoded {
                    text: format!("   {text}"),
                    encoding: UTF_8_BOM_MIXED,
                    fallback: fallback.into_iter().map(|at| at + 3).collect(),
                }
            }
        });
    }
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(format!("invalid {} after its byte-order mark", enc.name()));
        }
        // `for_bom` finds UTF-16 here (a UTF-8 BOM was handled above).
        let name = if enc == encoding_rs::UTF_16BE {
            UTF_16BE
        } else {
            UTF_16LE
        };
        return Ok(Decoded::whole(text.into_owned(), name));
    }
    if looks_binary(bytes) {
        return Err("binary (NUL or control bytes)".into());
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Decoded::whole(s.to_owned(), UTF_8)),
        Err(_) => {
            let (text, fallback, utf8) = utf8_with_fallback(bytes);
            // A UTF-8 article with a stray pasted byte has far more UTF-8 characters
            // beyond ASCII (quotes, dashes, accents) than stray bytes; in a Windows-1252
            // file, UTF-8 happens only by accident ("ß“" is the bytes of one character),
            // and most of its bytes beyond ASCII are not UTF-8.
            Ok(if utf8 > fallback.len() {
                Decoded {
                    text,
                    encoding: UTF_8_MIXED,
                    fallback,
                }
            } else {
                let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
                Decoded::whole(text.into_owned(), WINDOWS_1252)
            })
        }
    }
}

/// Decodes the valid UTF-8 of `bytes` as UTF-8 and every other byte as Windows-1252: the
/// text, the text offsets of the characters decoded from those bytes
/// ([`Document::fallback`]), and how many characters beyond ASCII were valid UTF-8.
/// encoding_rs decodes a whole file in one encoding or replaces bad bytes with U+FFFD; no
/// crate found here mixes two, so the loop over `Utf8Error` is written out.
fn utf8_with_fallback(bytes: &[u8]) -> (String, Vec<usize>, usize) {
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 8);
    let mut fallback = Vec::new();
    let mut rest = bytes;
    let mut utf8 = 0;
    let beyond_ascii = |s: &str| s.chars().filter(|c| !c.is_ascii()).count();
    loop {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                utf8 += beyond_ascii(valid);
                text.push_str(valid);
                break;
            }
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                // Checked by `from_utf8` up to `valid_up_to`.
                let valid = std::str::from_utf8(valid).unwrap_or_default();
                utf8 += beyond_ascii(valid);
                text.push_str(valid);
                // One byte at a time: the next may start a valid character.
                let (bad, after) = after.split_at(1);
                fallback.push(text.len());
                let (c, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bad);
                text.push_str(&c);
                rest = after;
            }
        }
    }
    (text, fallback, utf8)
}

/// A NUL byte anywhere, or more than 1 in 20 control bytes (other than tab, CR, LF, FF) in the
/// first 8 KiB, marks a file as binary: text in any 8-bit or UTF-8 encoding has neither.
fn looks_binary(bytes: &[u8]) -> bool {
    if bytes.contains(&0) {
        return true;
    }
    let head = &bytes[..bytes.len().min(8192)];
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    control * 20 > head.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_falls_back_to_windows_1252() {
        let d = decode(b"caf\xe9 \x93quoted\x94").unwrap();
        assert_eq!(d.text, "café “quoted”");
        assert_eq!(d.encoding, "windows-1252");
        assert!(d.fallback.is_empty());
    }

    /// One stray Windows-1252 quote in a UTF-8 file: the UTF-8 stays UTF-8 ("Russia’s", not
    /// "Russiaâ€™s"), and only the stray byte is read as Windows-1252.
    #[test]
    fn a_stray_byte_in_utf8_is_read_alone_as_windows_1252() {
        let mut bytes = "Russia’s war — the “operation” — and a stray quote: "
            .as_bytes()
            .to_vec();
        bytes.push(0x93);
        bytes.extend_from_slice(b"Moscow");
        bytes.push(0x94);
        bytes.extend_from_slice(" café".as_bytes());
        let d = decode(&bytes).unwrap();
        assert_eq!(
            d.text,
            "Russia’s war — the “operation” — and a stray quote: “Moscow” café"
        );
        assert_eq!(d.encoding, UTF_8_MIXED);
        let open = d.text.rfind('“').unwrap();
        let close = d.text.rfind('”').unwrap();
        assert_eq!(d.fallback, vec![open, close]);
        // A byte that cannot start UTF-8 right after a valid multi-byte character, and one
        // at the very end (an unfinished sequence).
        let mut bytes = "’’’ x".as_bytes().to_vec();
        bytes.extend_from_slice(&[0x80, b'y', 0xE2]);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, "’’’ x€yâ");
        // After "’’’ x" (3 x 3 + 2 bytes), and after "’’’ x€y" (11 + 3 + 1).
        assert_eq!(d.fallback, vec![11, 15]);
        // After a BOM, which says UTF-8, even one stray byte is read alone.
        let d = decode(b"\xEF\xBB\xBFx \x93y").unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("   x “y", UTF_8_BOM_MIXED));
        assert_eq!(d.fallback, vec![5]);
        assert_eq!(
            char_offsets(&Document::decoded("d.txt", d)),
            vec![0, 1, 2, 3, 4, 5, 6]
        );
    }

    /// A Windows-1252 file whose "ß“" happens to be the two bytes of one UTF-8 character
    /// (U+07D3) is still Windows-1252: its other bytes beyond ASCII are not UTF-8.
    #[test]
    fn utf8_by_accident_in_windows_1252_stays_windows_1252() {
        let d = decode(b"\x84Gru\xdf\x93 aus M\xfcnchen").unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("„Gruß“ aus München", WINDOWS_1252)
        );
        // Fewer UTF-8 characters beyond ASCII than stray bytes: Windows-1252 throughout.
        let d = decode(&[b'\xc3', b'\xa9', 0x80, b'x', 0xE2]).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("Ã©€xâ", WINDOWS_1252));
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "Hi there".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(
            decode(&bytes).unwrap(),
            Decoded::whole("Hi there".to_string(), "UTF-16LE")
        );
    }

    fn document(bytes: &[u8]) -> Document {
        Document::decoded("d.txt", decode(bytes).unwrap())
    }

    /// The file offset of each character of `d`, by its source map.
    fn char_offsets(d: &Document) -> Vec<usize> {
        let map = SourceMap::of(d);
        d.text
            .char_indices()
            .map(|(at, _)| map.file_offset(at))
            .collect()
    }

    /// Every character boundary of the text maps to the file offset where that character's
    /// bytes start, checked against offsets counted independently.
    #[test]
    fn source_maps_give_file_offsets() {
        // Windows-1252: one byte per character, whatever its UTF-8 length.
        let d = document(b"caf\xe9 \x93q\x94 end");
        let map = SourceMap::of(&d);
        for (i, (at, _)) in d.text.char_indices().enumerate() {
            assert_eq!(map.file_offset(at), i, "char {i}");
        }
        assert_eq!(map.file_offset(d.text.len()), 12);
        let q = d.text.find('q').unwrap();
        assert_eq!(map.file_range(q..q + 1), 6..7);

        // UTF-16LE: the BOM, two bytes per BMP character, four for the emoji.
        let text = "A é 😀 z";
        let mut bytes = vec![0xFF, 0xFE];
        let mut expected = Vec::new();
        for c in text.chars() {
            expected.push(bytes.len());
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                bytes.extend_from_slice(&u.to_le_bytes());
            }
        }
        let d = document(&bytes);
        assert_eq!(char_offsets(&d), expected);
        assert_eq!(SourceMap::of(&d).file_offset(d.text.len()), bytes.len());

        // UTF-8 with stray bytes: their one byte each, the UTF-8's own width elsewhere.
        let mut bytes = "éü ".as_bytes().to_vec();
        bytes.push(0x93);
        bytes.extend_from_slice("q’".as_bytes());
        bytes.push(0x94);
        let d = document(&bytes);
        assert_eq!(d.encoding, UTF_8_MIXED);
        // é, ü (2 bytes each), space, 0x93, q, ’ (3 bytes), 0x94.
        assert_eq!(char_offsets(&d), vec![0, 2, 4, 5, 6, 7, 10]);
        assert_eq!(SourceMap::of(&d).file_offset(d.text.len()), bytes.len());

        // UTF-8, with or without a BOM: the identity.
        for bytes in [&b"plain text"[..], b"\xEF\xBB\xBFwith a BOM"] {
            let d = document(bytes);
            assert_eq!(SourceMap::of(&d), SourceMap::default());
            assert_eq!(SourceMap::of(&d).file_offset(5), 5);
        }
    }

    #[test]
    fn a_utf8_bom_keeps_file_offsets() {
        let d = decode(b"\xEF\xBB\xBFHello").unwrap();
        assert_eq!(&d.text[3..], "Hello");
        assert_eq!(d.encoding, "UTF-8 (BOM)");
    }

    #[test]
    fn a_file_named_twice_is_read_once_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.txt");
        std::fs::write(&file, "A harbour and its ferries.").unwrap();
        let corpus = read_corpus(&[file.clone(), file]).unwrap();
        assert_eq!(corpus.documents.len(), 1);
        assert_eq!(corpus.skipped.len(), 1);
        assert_eq!(corpus.skipped[0].reason, "given twice");
    }

    #[test]
    fn binary_is_refused() {
        assert!(decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").is_err());
        assert!(decode(b"text with a \0 NUL").is_err());
    }
}
