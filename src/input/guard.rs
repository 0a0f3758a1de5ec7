//! SIGBUS safety for memory-mapped input: if another process truncates a file while it is
//! mapped, touching the vanished pages raises SIGBUS. A handler maps zero pages over the rest
//! of that mapping (so the scan reads NULs instead of dying) and marks it truncated; the scan
//! then reports the file as changed during the run.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Once;

/// Mappings that can be protected at once: the scan opens at most this many files at a time.
pub const SLOTS: usize = 1024;

/// Registered mappings: start address and length (0 = free slot). Read from the signal
/// handler, so only atomics.
static STARTS: [AtomicUsize; SLOTS] = [const { AtomicUsize::new(0) }; SLOTS];
static LENS: [AtomicUsize; SLOTS] = [const { AtomicUsize::new(0) }; SLOTS];
static HIT: [AtomicBool; SLOTS] = [const { AtomicBool::new(false) }; SLOTS];
static INSTALL: Once = Once::new();

/// A mapping registered with the handler for as long as this value lives.
#[derive(Debug)]
pub struct Guard {
    slot: Option<usize>,
}

impl Guard {
    /// Registers `[start, start + len)`. When all slots are taken the mapping is simply not
    /// protected (a fault then ends the process as it would without the guard).
    pub fn register(start: *const u8, len: usize) -> Guard {
        install();
        let start = start as usize;
        for i in 0..SLOTS {
            if LENS[i]
                .compare_exchange(0, usize::MAX, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
            {
                HIT[i].store(false, Ordering::Release);
                STARTS[i].store(start, Ordering::Release);
                LENS[i].store(len, Ordering::Release);
                return Guard { slot: Some(i) };
            }
        }
        Guard { slot: None }
    }

    /// True when the handler had to patch this mapping: the file shrank while it was read.
    pub fn truncated(&self) -> bool {
        self.slot.is_some_and(|i| HIT[i].load(Ordering::Acquire))
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(i) = self.slot {
            STARTS[i].store(0, Ordering::Release);
            LENS[i].store(0, Ordering::Release);
        }
    }
}

#[cfg(unix)]
fn install() {
    INSTALL.call_once(|| {
        // SAFETY: installs a handler with SA_SIGINFO; the handler only uses atomics and
        // async-signal-safe system calls (mmap, sigaction, raise).
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) = handler;
            action.sa_sigaction = f as *const () as usize;
            action.sa_flags = libc::SA_SIGINFO | libc::SA_NODEFER;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut());
        }
    });
}

#[cfg(not(unix))]
fn install() {}

#[cfg(unix)]
extern "C" fn handler(_sig: libc::c_int, info: *mut libc::siginfo_t, _ctx: *mut libc::c_void) {
    // SAFETY: called by the kernel with a valid siginfo for SIGBUS.
    let addr = unsafe { (*info).si_addr() } as usize;
    // SAFETY: sysconf is async-signal-safe.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(4096) as usize;
    for i in 0..SLOTS {
        let start = STARTS[i].load(Ordering::Acquire);
        let len = LENS[i].load(Ordering::Acquire);
        if start == 0 || len == 0 || len == usize::MAX || addr < start || addr >= start + len {
            continue;
        }
        let from = addr & !(page - 1);
        let end = (start + len).div_ceil(page) * page;
        // SAFETY: [from, end) lies inside our own read-only file mapping; replacing it with
        // anonymous zero pages keeps the address range valid until the mapping is dropped.
        let r = unsafe {
            libc::mmap(
                from as *mut libc::c_void,
                end - from,
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                -1,
                0,
            )
        };
        if r != libc::MAP_FAILED {
            HIT[i].store(true, Ordering::Release);
            return;
        }
    }
    // Not ours (or the patch failed): restore the default action and let the fault repeat.
    // SAFETY: async-signal-safe calls.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = libc::SIG_DFL;
        libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut());
    }
}

#[cfg(all(test, unix))]
mod tests {
    use crate::input::open_file;
    use std::io::Write;

    #[test]
    fn truncation_while_mapped_reads_zeros_and_is_flagged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.jsonl");
        let line = "{\"ts\":1,\"status\":200}\n";
        std::fs::write(&path, line.repeat(100_000)).unwrap();
        let bytes = open_file(&path).unwrap();
        assert!(!bytes.truncated());
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(100)
            .unwrap();
        // Touch every page: without the guard this dies with SIGBUS.
        let nonzero = bytes.iter().step_by(512).filter(|&&b| b != 0).count();
        assert!(nonzero < 100, "pages past the new end read as zeros");
        assert!(bytes.truncated());
    }

    #[test]
    fn appended_bytes_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        std::fs::write(&path, "{\"a\":1}\n").unwrap();
        let bytes = open_file(&path).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"b\":2}\n")
            .unwrap();
        assert_eq!(&bytes[..], b"{\"a\":1}\n");
        assert!(!bytes.truncated());
    }
}
