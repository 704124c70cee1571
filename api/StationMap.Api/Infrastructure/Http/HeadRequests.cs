using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace StationMap.Api.Infrastructure.Http;

/// <summary>
/// HEAD on every GET route (RFC 9110 §9.3.2), written once: the request runs as GET through the whole
/// pipeline (routing, compression, ETag, static files), the body is counted and dropped, and the
/// answer carries the headers GET would send, Content-Length included. The method is set back to HEAD
/// before the response starts, so Kestrel sends no body either way. Endpoints only map GET.
/// </summary>
public static class HeadRequests
{
    public static IApplicationBuilder UseHeadAsGet(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (!HttpMethods.IsHead(http.Request.Method))
        {
            await next(http);
            return;
        }
        var inner = http.Features.Get<IHttpResponseBodyFeature>()!;
        var counter = new CountingBody();
        http.Features.Set<IHttpResponseBodyFeature>(counter);
        http.Request.Method = HttpMethods.Get;
        try
        {
            await next(http);
            await counter.CompleteAsync();
        }
        finally
        {
            http.Request.Method = HttpMethods.Head;
            http.Features.Set(inner);
        }
        if (!http.Response.HasStarted && http.Response.ContentLength is null && counter.Count > 0
            && http.Response.StatusCode is not (StatusCodes.Status204NoContent or StatusCodes.Status304NotModified))
            http.Response.ContentLength = counter.Count;
    });

    /// <summary>A response body that only counts what is written to it.</summary>
    sealed class CountingBody : Stream, IHttpResponseBodyFeature
    {
        PipeWriter? _writer;
        public long Count { get; private set; }

        Stream IHttpResponseBodyFeature.Stream => this;
        public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));
        public Task StartAsync(CancellationToken ct = default) => Task.CompletedTask;
        public void DisableBuffering() { }

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken ct = default)
        {
            Count += count ?? new FileInfo(path).Length - offset;
            return Task.CompletedTask;
        }

        public async Task CompleteAsync()
        {
            if (_writer is not null) await _writer.FlushAsync();
        }

        public override void Write(ReadOnlySpan<byte> buffer) => Count += buffer.Length;
        public override void Write(byte[] buffer, int offset, int count) => Count += count;
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            Count += buffer.Length;
            return ValueTask.CompletedTask;
        }
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct)
        {
            Count += count;
            return Task.CompletedTask;
        }
        public override void Flush() { }
        public override Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Count;
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
