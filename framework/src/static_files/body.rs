//! The body of a large file: read in chunks on tokio's blocking pool, so a
//! slow disk never stalls the threads that serve requests. Small files are
//! read whole when they are opened (`serve.rs`) and need none of this.

use std::fs::File;
use std::future::Future;
use std::io::{self, Read};
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use tokio::task::JoinHandle;

/// How much is read per chunk.
pub(crate) const CHUNK: usize = 64 * 1024;

type Reading = JoinHandle<(File, io::Result<Vec<u8>>)>;

/// `remaining` bytes of an open file, from its current position.
pub(crate) struct FileBody {
    state: State,
    remaining: u64,
}

enum State {
    Idle(File),
    Reading(Reading),
    Done,
}

impl FileBody {
    pub(crate) fn new(file: File, len: u64) -> FileBody {
        FileBody {
            state: State::Idle(file),
            remaining: len,
        }
    }
}

impl http_body::Body for FileBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        loop {
            match std::mem::replace(&mut self.state, State::Done) {
                State::Done => return Poll::Ready(None),
                State::Idle(_) if self.remaining == 0 => return Poll::Ready(None),
                State::Idle(mut file) => {
                    let want = CHUNK.min(usize::try_from(self.remaining).unwrap_or(CHUNK));
                    self.state = State::Reading(tokio::task::spawn_blocking(move || {
                        let mut buffer = vec![0; want];
                        let result = read_full(&mut file, &mut buffer).map(|n| {
                            buffer.truncate(n);
                            buffer
                        });
                        (file, result)
                    }));
                }
                State::Reading(mut read) => match Pin::new(&mut read).poll(cx) {
                    Poll::Pending => {
                        self.state = State::Reading(read);
                        return Poll::Pending;
                    }
                    Poll::Ready(Err(join)) => {
                        return Poll::Ready(Some(Err(io::Error::other(join))));
                    }
                    Poll::Ready(Ok((_, Err(error)))) => return Poll::Ready(Some(Err(error))),
                    Poll::Ready(Ok((file, Ok(chunk)))) => {
                        if chunk.is_empty() {
                            // The file shrank after its length was sent.
                            return Poll::Ready(Some(Err(io::Error::new(
                                io::ErrorKind::UnexpectedEof,
                                "the file got shorter while it was being sent",
                            ))));
                        }
                        self.remaining -= chunk.len() as u64;
                        self.state = State::Idle(file);
                        return Poll::Ready(Some(Ok(Frame::data(Bytes::from(chunk)))));
                    }
                },
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.remaining == 0 || matches!(self.state, State::Done)
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining)
    }
}

/// Reads until `buffer` is full or the file ends.
pub(crate) fn read_full(file: &mut File, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}
