using System.Runtime.CompilerServices;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using Operator.Runtime;

namespace Operator.Runtime.Tests;

/// <summary>
/// A scripted API server for one kind: each ListAsync answers the next scripted list; each WatchAsync opens a session
/// the test drives step by step (events, errors, end of stream).
/// </summary>
internal sealed class FakeListWatcher : IListWatcher<V1Secret>
{
    private readonly Queue<Func<(IList<V1Secret>, string?)>> lists = new();
    private readonly Channel<WatchSession> sessions = Channel.CreateUnbounded<WatchSession>();
    private int listCalls;

    public string Description => "fake secrets";

    public int ListCalls => Volatile.Read(ref listCalls);

    public List<string> WatchedFrom { get; } = [];

    public void ScriptList(string resourceVersion, params V1Secret[] items) => lists.Enqueue(() => (items, resourceVersion));

    public void ScriptListFailure(Exception e) => lists.Enqueue(() => throw e);

    public Task<(IList<V1Secret> Items, string? ResourceVersion)> ListAsync(Func<V1Secret, V1Secret> shape, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref listCalls);
        lock (lists)
        {
            if (!lists.TryDequeue(out var next))
            {
                return Task.FromException<(IList<V1Secret>, string?)>(new InvalidOperationException("no list scripted"));
            }

            try
            {
                var (items, version) = next();
                return Task.FromResult<(IList<V1Secret>, string?)>(([.. items.Select(shape)], version));
            }
            catch (Exception e)
            {
                return Task.FromException<(IList<V1Secret>, string?)>(e);
            }
        }
    }

    public async IAsyncEnumerable<(WatchEventType Type, V1Secret Object)> WatchAsync(
        string resourceVersion, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var session = new WatchSession(resourceVersion);
        lock (WatchedFrom)
        {
            WatchedFrom.Add(resourceVersion);
        }

        sessions.Writer.TryWrite(session);
        await foreach (var step in session.Steps.Reader.ReadAllAsync(cancellationToken))
        {
            switch (step)
            {
                case (WatchEventType type, V1Secret obj):
                    yield return (type, obj);
                    break;
                case Exception e when e is KubernetesException:
                    onError(e);
                    break;
                case Exception e:
                    throw e;
            }
        }
    }

    /// <summary>Waits for the informer to open its next watch.</summary>
    public async Task<WatchSession> NextSessionAsync() =>
        await sessions.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    public static KubernetesException Gone() => new(new V1Status { Code = 410, Reason = "Expired", Message = "too old resource version" });

    internal sealed class WatchSession(string resourceVersion)
    {
        public string ResourceVersion { get; } = resourceVersion;

        public Channel<object> Steps { get; } = Channel.CreateUnbounded<object>();

        public void Send(WatchEventType type, V1Secret obj) => Steps.Writer.TryWrite((type, obj));

        public void SendError(Exception e) => Steps.Writer.TryWrite(e);

        public void End() => Steps.Writer.TryComplete();
    }
}
