using System.Buffers;
using System.IO.Hashing;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace StationMap.Api.Infrastructure.Http;

/// <summary>
/// Holds a response body in pooled 16 KB segments until the endpoint is done, so a validator can be
/// computed over the whole representation before the headers go out. Past <see cref="MaxBytes"/> it
/// gives up: what it holds is written through and the rest streams as usual, without an ETag (an
/// export of many megabytes should not sit in memory to save a revalidation). An endpoint that
/// streams (server-sent events) calls <see cref="DisableBuffering"/> and is passed through likewise.
/// </summary>
sealed class BufferedBody(IHttpResponseBodyFeature inner, Func<Task> beforePassThrough) : Stream, IHttpResponseBodyFeature
{
    const int SegmentBytes = 16 * 1024;
    public const long MaxBytes = 32L * 1024 * 1024;

    readonly List<byte[]> _segments = [];
    int _used; // bytes used in the last segment
    long _length;
    PipeWriter? _writer;

    /// <summary>True once the body outgrew the buffer and went straight to the client.</summary>
    public bool PassedThrough { get; private set; }

    public long BufferedLength => _length;

    Stream IHttpResponseBodyFeature.Stream => this;
    public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    /// <summary>XxHash128 of the buffered bytes (and whatever else the caller appends first).</summary>
    public void AppendTo(XxHash128 hash)
    {
        for (var i = 0; i < _segments.Count; i++)
            hash.Append(_segments[i].AsSpan(0, i == _segments.Count - 1 ? _used : SegmentBytes));
    }

    /// <summary>A copy of the buffered bytes (a stored answer, say).</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[_length];
        for (int i = 0, at = 0; i < _segments.Count; i++)
        {
            var n = i == _segments.Count - 1 ? _used : SegmentBytes;
            _segments[i].AsSpan(0, n).CopyTo(bytes.AsSpan(at));
            at += n;
        }
        return bytes;
    }

    public async Task CopyToInnerAsync(CancellationToken ct)
    {
        try
        {
            for (var i = 0; i < _segments.Count; i++)
                await inner.Stream.WriteAsync(_segments[i].AsMemory(0, i == _segments.Count - 1 ? _used : SegmentBytes), ct);
        }
        finally { Release(); }
    }

    public void Release()
    {
        foreach (var s in _segments) ArrayPool<byte>.Shared.Return(s);
        _segments.Clear();
        _used = 0;
        _length = 0;
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        // Synchronous writes (Kestrel refuses them unless allowed) stay buffered: only the async path passes through.
        if (PassedThrough) inner.Stream.Write(buffer);
        else Append(buffer);
    }

    void Append(ReadOnlySpan<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            if (_segments.Count == 0 || _used == SegmentBytes)
            {
                _segments.Add(ArrayPool<byte>.Shared.Rent(SegmentBytes));
                _used = 0;
            }
            var n = Math.Min(SegmentBytes - _used, buffer.Length);
            buffer[..n].CopyTo(_segments[^1].AsSpan(_used));
            _used += n;
            _length += n;
            buffer = buffer[n..];
        }
    }

    bool _streaming;

    async Task PassThroughAsync(CancellationToken ct)
    {
        PassedThrough = true;
        await beforePassThrough();
        await CopyToInnerAsync(ct);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        if (!PassedThrough && (_streaming || _length + buffer.Length > MaxBytes)) await PassThroughAsync(ct);
        if (PassedThrough) await inner.Stream.WriteAsync(buffer, ct);
        else Append(buffer.Span);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    // Flushing before the end would send the headers without the validator: only pass it on once streaming.
    public override void Flush() { }
    public override async Task FlushAsync(CancellationToken ct)
    {
        if (!PassedThrough && _streaming) await PassThroughAsync(ct);
        if (PassedThrough) await inner.Stream.FlushAsync(ct);
    }

    public async Task StartAsync(CancellationToken ct = default)
    {
        if (!PassedThrough && _streaming) await PassThroughAsync(ct);
        if (PassedThrough) await inner.StartAsync(ct);
    }

    public async Task SendFileAsync(string path, long offset, long? count, CancellationToken ct = default)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, useAsync: true);
        file.Seek(offset, SeekOrigin.Begin);
        var rented = ArrayPool<byte>.Shared.Rent(SegmentBytes);
        try
        {
            var left = count ?? file.Length - offset;
            while (left > 0)
            {
                var n = await file.ReadAsync(rented.AsMemory(0, (int)Math.Min(rented.Length, left)), ct);
                if (n == 0) break;
                await WriteAsync(rented.AsMemory(0, n), ct);
                left -= n;
            }
        }
        finally { ArrayPool<byte>.Shared.Return(rented); }
    }

    public async Task CompleteAsync()
    {
        if (_writer is not null) await _writer.FlushAsync();
    }

    public void DisableBuffering()
    {
        _streaming = true;
        inner.DisableBuffering();
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
