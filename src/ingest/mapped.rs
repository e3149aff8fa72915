//! A UTF-8 file on disk read through memory maps, a block at a time: its
//! text is used where the kernel keeps it rather than copied into the
//! program's memory (that copy was a tenth of a cold load's processor
//! time; docs/BENCHMARKS.md).
//!
//! The hazard every memory-mapped reader shares: when another program cuts
//! the file short while it is read, touching a mapped page past its new end
//! is a bus error (SIGBUS on Unix). Here that stops the run with a message
//! naming the file and exit code 2, as any error that stops a run does. On
//! Windows a mapped file cannot be cut short.

use std::fs::File;

use memmap2::{Mmap, MmapOptions};

/// Where a mapped block may start: a multiple of every system's mapping
/// granularity (4 KiB pages on Linux, 64 KiB on Windows).
pub const MAP_ALIGN: usize = 64 << 10;

/// A file on disk, its blocks mapped one at a time from `pos`.
pub struct MappedFile {
    file: File,
    /// The file's length when it was opened.
    pub len: usize,
    /// Where the next block starts.
    pub pos: usize,
}

impl MappedFile {
    /// The file from byte `pos` on, when it is a file on disk (not a pipe
    /// or a device) and can be mapped here (some file systems cannot: the
    /// file is then read as before). `name` is the file's as the user gave
    /// it, for the message if it is cut short.
    pub fn new(file: File, pos: usize, name: &str) -> Option<MappedFile> {
        let metadata = file.metadata().ok().filter(|m| m.is_file())?;
        let len = usize::try_from(metadata.len()).ok()?;
        let mapped = MappedFile { file, len, pos };
        if pos < len {
            mapped.map(0, len.min(MAP_ALIGN)).ok()?;
        }
        cut_short::name_the_file(name);
        Some(mapped)
    }

    /// The file to read on from byte `pos`, when it is not mapped after all
    /// (its head showed it is not UTF-8).
    pub fn read_from(self, pos: usize) -> std::io::Result<File> {
        use std::io::{Seek, SeekFrom};
        let mut file = self.file;
        file.seek(SeekFrom::Start(pos as u64))?;
        Ok(file)
    }

    /// The file's bytes `start..end` (`start` a multiple of [`MAP_ALIGN`],
    /// `end` past it), mapped private and read only, their pages mapped at
    /// once.
    pub fn map(&self, start: usize, end: usize) -> std::io::Result<Mmap> {
        // SAFETY: the map is only read; the file being cut short while it
        // is read stops the run (`cut_short`).
        unsafe {
            MmapOptions::new()
                .offset(start as u64)
                .len(end - start)
                .populate()
                .map(&self.file)
        }
    }
}

#[cfg(unix)]
mod cut_short {
    use std::sync::Once;
    use std::sync::atomic::{AtomicPtr, Ordering};

    use crate::messages::Message;

    /// The whole message for the file being read, ready to be written
    /// from the signal handler (which may not allocate).
    static MESSAGE: AtomicPtr<Box<[u8]>> = AtomicPtr::new(std::ptr::null_mut());
    static HANDLER: Once = Once::new();

    /// Names the file now mapped in the bus-error message, and sets the
    /// handler up the first time. Called on the thread that set the run's
    /// language. Each file's message is kept for the rest of the run (a
    /// few hundred bytes per file read).
    pub fn name_the_file(name: &str) {
        let text = format!(
            "{}{}\n",
            Message::ErrorPrefix,
            Message::FileCutShortWhileRead {
                file: name.to_string()
            }
        );
        let message = Box::into_raw(Box::new(text.into_bytes().into_boxed_slice()));
        MESSAGE.store(message, Ordering::Release);
        HANDLER.call_once(|| {
            // SAFETY: a zeroed sigaction is valid; the handler only loads
            // an atomic, writes and exits, all async-signal-safe.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_bus_error as *const () as libc::sighandler_t;
                libc::sigemptyset(&mut action.sa_mask);
                libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut());
            }
        });
    }

    extern "C" fn on_bus_error(_signal: libc::c_int) {
        let message = MESSAGE.load(Ordering::Acquire);
        // SAFETY: `message` is null or a leaked box, never freed.
        unsafe {
            if let Some(message) = message.as_ref() {
                libc::write(2, message.as_ptr().cast(), message.len());
            }
            libc::_exit(2);
        }
    }
}

#[cfg(not(unix))]
mod cut_short {
    /// Nothing to set up: a mapped file cannot be cut short.
    pub fn name_the_file(_name: &str) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Run again as a child process, the test maps a file, cuts it short
    /// and touches its last page: the child must stop with the message and
    /// exit code 2, not crash.
    #[test]
    #[cfg(unix)]
    fn a_file_cut_short_while_mapped_stops_the_run_with_a_message() {
        const CHILD: &str = "DISPUTES_TEST_CUT_SHORT_CHILD";
        let dir = tempfile::tempdir().unwrap();
        if let Some(path) = std::env::var_os(CHILD) {
            let file = File::open(&path).unwrap();
            let mapped = MappedFile::new(file, 0, "月报.csv").unwrap();
            let map = mapped.map(0, mapped.len).unwrap();
            std::fs::File::create(&path).unwrap();
            let last = std::hint::black_box(&map[mapped.len - 1]);
            panic!("read {last} past the file's end without a bus error");
        }
        let path = dir.path().join("t.csv");
        std::fs::write(&path, vec![b'x'; 4 * MAP_ALIGN]).unwrap();
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "ingest::mapped::tests::a_file_cut_short_while_mapped_stops_the_run_with_a_message",
                "--test-threads=1",
            ])
            .env(CHILD, &path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("读取 月报.csv 时，另一个程序把它截短了"),
            "{stderr}"
        );
    }

    #[test]
    fn a_file_is_mapped_from_its_position_and_an_empty_rest_is_not_mapped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, b"\xEF\xBB\xBFa,b\n1,2\n").unwrap();
        let mapped = MappedFile::new(File::open(&path).unwrap(), 3, "t.csv").unwrap();
        assert_eq!((mapped.len, mapped.pos), (11, 3));
        assert_eq!(&mapped.map(0, 11).unwrap()[3..], b"a,b\n1,2\n");
        let empty = dir.path().join("empty.csv");
        std::fs::write(&empty, b"").unwrap();
        assert!(MappedFile::new(File::open(&empty).unwrap(), 0, "empty.csv").is_some());
    }

    #[test]
    #[cfg(unix)]
    fn a_device_is_not_mapped() {
        let null = File::open("/dev/null").unwrap();
        assert!(MappedFile::new(null, 0, "/dev/null").is_none());
    }
}
