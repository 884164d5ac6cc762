using System.Buffers;

namespace Mai.Client.Transport;

/// <summary>
/// Splits a response stream into lines (LF, CRLF or CR, as the SSE spec allows; a leading UTF-8 BOM skipped) inside one pooled buffer, without a string per line. <see cref="Line"/> is valid
/// until the next <see cref="ReadLineAsync"/>, <see cref="TryReadLine"/> or <see cref="FillAsync"/>. The buffer grows only when a
/// single line is longer than it, and is only held while there is data in it.
/// </summary>
internal sealed class SseLineReader : IDisposable
{
    // One event is usually well under 1 KB; a 4 KB start keeps an open stream small (thousands may be open at once) and grows
    // only for a longer line.
    private const int InitialSize = 4 * 1024;

    /// <summary>The longest line accepted (a chunk is well under 1 KB; a longer line means a broken or hostile server).</summary>
    public const int MaxLineBytes = 8 * 1024 * 1024;

    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private int _scanned;
    private bool _eof;
    private bool _bomChecked;

    public SseLineReader(Stream stream)
    {
        _stream = stream;
        _buffer = []; // rented on the first read
    }

    /// <summary>Gets the current line, without its line terminator.</summary>
    public ReadOnlyMemory<byte> Line { get; private set; }

    /// <summary>Reads the next line; false at the end of the stream.</summary>
    public async ValueTask<bool> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (!TryReadLine())
        {
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Takes the next complete line already in the buffer, without awaiting: the hot path, since one network read usually holds many
    /// events. False when more data must be read first (<see cref="FillAsync"/>); at the end of the stream it yields the last
    /// unterminated line, if any.
    /// </summary>
    public bool TryReadLine()
    {
        if (!_bomChecked && !SkipByteOrderMark())
        {
            return false;
        }

        var terminator = _buffer.AsSpan(_scanned, _end - _scanned).IndexOfAny((byte)'\n', (byte)'\r');
        if (terminator >= 0)
        {
            var lineEnd = _scanned + terminator;
            var next = lineEnd + 1;
            if (_buffer[lineEnd] == (byte)'\r')
            {
                if (next == _end && !_eof)
                {
                    _scanned = lineEnd; // a CR last in the buffer: wait to see whether an LF follows
                    return false;
                }

                if (next < _end && _buffer[next] == (byte)'\n')
                {
                    next++; // CRLF
                }
            }

            Line = _buffer.AsMemory(_start, lineEnd - _start);
            _start = _scanned = next;
            return true;
        }

        _scanned = _end;
        if (_eof && _end > _start)
        {
            Line = _buffer.AsMemory(_start, _end - _start); // a last line without a terminator
            _start = _scanned = _end;
            return true;
        }

        return false;
    }

    /// <summary>Skips a UTF-8 byte order mark at the start of the stream (the SSE spec allows one); false while too few bytes have arrived to tell.</summary>
    private bool SkipByteOrderMark()
    {
        ReadOnlySpan<byte> bom = [0xEF, 0xBB, 0xBF];
        var available = _buffer.AsSpan(_start, _end - _start);
        if (available.Length < bom.Length && !_eof && bom.StartsWith(available))
        {
            return false;
        }

        if (available.StartsWith(bom))
        {
            _start += bom.Length;
            _scanned = Math.Max(_scanned, _start);
        }

        _bomChecked = true;
        return true;
    }

    /// <summary>Reads more of the stream into the buffer; false when the stream has ended and nothing is left to read.</summary>
    /// <remarks>
    /// When no partial line is pending, the buffer goes back to the pool and a zero-byte read waits for the network first: an open
    /// stream that is waiting for its next chunk (a reasoning model can think for minutes) then holds no buffer at all, which is what
    /// keeps thousands of concurrent streams small. Streams that do not support zero-byte reads simply return at once.
    /// </remarks>
    public async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_eof)
        {
            Line = default;
            return false;
        }

        if (_start == _end && _buffer.Length > 0)
        {
            ReturnBuffer();
            await _stream.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        }

        if (_buffer.Length == 0)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
        }

        MakeRoom();
        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            _eof = true;
        }
        else
        {
            _end += read;
        }

        return true;
    }

    private void MakeRoom()
    {
        if (_start > 0)
        {
            var pending = _end - _start;
            _buffer.AsSpan(_start, pending).CopyTo(_buffer);
            _scanned -= _start;
            _start = 0;
            _end = pending;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxLineBytes)
            {
                throw new SseLineTooLongException(MaxLineBytes);
            }

            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _end).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
    }

    public void Dispose() => ReturnBuffer();

    private void ReturnBuffer()
    {
        var buffer = _buffer;
        _buffer = [];
        _start = _end = _scanned = 0;
        Line = default;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>A server-sent events line grew past <see cref="SseLineReader.MaxLineBytes"/>.</summary>
internal sealed class SseLineTooLongException(int maxBytes)
    : Exception($"A server-sent events line exceeded {maxBytes} bytes.")
{
    public int MaxBytes { get; } = maxBytes;
}
