using System.Collections.Concurrent;
using System.Net;
using System.Text;
using k8s;

namespace Operator.Runtime.Tests;

/// <summary>
/// An HttpMessageHandler behind a real <see cref="Kubernetes"/> client: each test answers requests with a routing
/// function and can inspect what was sent.
/// </summary>
internal sealed class StubApiServer : DelegatingHandler
{
    public StubApiServer(Func<HttpRequestMessage, string?, Task<HttpResponseMessage>> route)
    {
        Route = route;
    }

    public Func<HttpRequestMessage, string?, Task<HttpResponseMessage>> Route { get; set; }

    public ConcurrentQueue<(string Method, string PathAndQuery, string? Body, string? ContentType)> Requests { get; } = new();

    public Kubernetes Client() => new(new KubernetesClientConfiguration { Host = "http://stub.invalid" }, this);

    public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static HttpResponseMessage Status(HttpStatusCode status, string reason) =>
        Json(status, $$"""{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"{{reason}}","code":{{(int)status}}}""");

    /// <summary>A watch stream that ends after the given events (one JSON object per line).</summary>
    public static HttpResponseMessage Stream(params string[] lines) =>
        new(HttpStatusCode.OK) { Content = new StringContent(string.Join("\n", lines) + "\n", Encoding.UTF8, "application/json") };

    /// <summary>A watch stream that stays open until the request is cancelled.</summary>
    public static HttpResponseMessage Hanging() => new(HttpStatusCode.OK) { Content = new HangingContent() };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Enqueue((request.Method.Method, request.RequestUri!.PathAndQuery, body, request.Content?.Headers.ContentType?.MediaType));
        var response = await Route(request, body);
        response.RequestMessage = request;
        return response;
    }

    private sealed class HangingContent : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => Task.CompletedTask;

        protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(new HangingStream());

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private sealed class HangingStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
