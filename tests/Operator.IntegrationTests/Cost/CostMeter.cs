using System.Text.RegularExpressions;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.IntegrationTests.Cost;

/// <summary>What the operator spent on one object over a stretch of fake time: what a cluster's API server and log pipeline see.</summary>
public sealed record GroupCost(int Reconciles, int ApiWrites, int EventWrites, int LogLines)
{
    public override string ToString() => $"{Reconciles} reconciles, {ApiWrites} API writes ({EventWrites} Event writes), {LogLines} log lines";
}

/// <summary>
/// Runs the harness's operator over a stretch of fake time, stepping the clock to each delayed key's deadline so that
/// every backoff retry and requeue happens as it would in real time, and counts the cost per group or integration. An
/// operator whose work never settles (a hot loop) fails the run.
/// </summary>
public sealed partial class CostMeter(OperatorHarness harness)
{
    private const string GroupController = "Operator.Runtime.Controller.SecretGroup";
    private const string IntegrationController = "Operator.Runtime.Controller.SecretStoreIntegration";

    private int requestsAtStart;
    private int logsAtStart;
    private object? hostAtStart;
    private HashSet<string> eventsAtStart = [];

    /// <summary>Starts counting from now (a restarted operator's lines all count); the test's own writes of specs are never counted.</summary>
    public async Task StartAsync()
    {
        if (harness.Host is not null)
        {
            await SettleAsync();
        }

        requestsAtStart = harness.Emulator.Requests.Count;
        logsAtStart = harness.Host is null ? 0 : Logs().Count;
        hostAtStart = harness.Host;
        eventsAtStart = [.. (await harness.Client.EventsV1.ListEventForAllNamespacesAsync()).Items.Select(e => $"{e.Metadata.NamespaceProperty}/{e.Metadata.Name}")];
    }

    /// <summary>Advances fake time by <paramref name="stretch"/>, one delayed-key deadline at a time, letting the operator settle at each.</summary>
    public async Task RunAsync(TimeSpan stretch)
    {
        var end = harness.Time.GetUtcNow() + stretch;
        while (harness.Time.GetUtcNow() < end)
        {
            await SettleAsync();
            var now = harness.Time.GetUtcNow();
            var next = Queues().Select(q => q.NextDueAt).OfType<DateTimeOffset>().DefaultIfEmpty(end).Min();
            var to = next < end ? next : end;
            harness.Time.Advance(to > now ? to - now : TimeSpan.FromMilliseconds(1));
        }

        await SettleAsync();
    }

    /// <summary>
    /// The cost of a group (<paramref name="ns"/>/<paramref name="name"/>; its API writes are those in its namespace, so
    /// give each measured group its own) or of an integration (<paramref name="ns"/> null) since <see cref="StartAsync"/>.
    /// </summary>
    public async Task<GroupCost> OfAsync(string? ns, string name)
    {
        var requests = harness.Emulator.Requests.Skip(requestsAtStart).Where(r => r.Method != "GET").ToList();
        var logs = LogsSinceStart().Where(r => IsAbout(r, ns, name)).ToList();
        var reconciles = logs.Count(r => r.Category == (ns is null ? IntegrationController : GroupController));
        var lines = logs.Count(r => r.Level >= LogLevel.Information);
        if (ns is not null)
        {
            var inNamespace = requests.Where(r => InNamespace(r.Path, ns) && !IsSpecWrite(r.Path)).ToList();
            return new GroupCost(reconciles, inNamespace.Count, inNamespace.Count(r => r.Path.StartsWith($"/apis/events.k8s.io/v1/namespaces/{ns}/events", StringComparison.Ordinal)), lines);
        }

        // An integration's Events live in "default" with generated names: created ones are listed, patches are paths.
        var created = (await harness.Client.EventsV1.ListNamespacedEventAsync("default")).Items
            .Count(e => e.Regarding?.Kind == SecretStoreIntegration.KindName && e.Regarding.Name == name && !eventsAtStart.Contains($"default/{e.Metadata.Name}"));
        var patched = requests.Count(r => r.Method == "PATCH" && r.Path.StartsWith($"/apis/events.k8s.io/v1/namespaces/default/events/{name}.", StringComparison.Ordinal));
        var status = requests.Count(r => r.Path == $"/apis/{Entities.V1Alpha1.Api.Group}/{Entities.V1Alpha1.Api.Version}/secretstoreintegrations/{name}/status");
        return new GroupCost(reconciles, status + created + patched, created + patched, lines);
    }

    /// <summary>The log lines about the object at Information and above since <see cref="StartAsync"/> (for failure messages).</summary>
    public IEnumerable<string> LinesOf(string? ns, string name) =>
        LogsSinceStart().Where(r => r.Level >= LogLevel.Information && IsAbout(r, ns, name)).Select(r => $"{r.Level} {r.Message}");

    /// <summary>The controller's last word on the object (since it started) was a failure it will not retry.</summary>
    public bool IsTerminal(string? ns, string name) =>
        Logs().LastOrDefault(r => r.Category == (ns is null ? IntegrationController : GroupController) && IsAbout(r, ns, name))?.Message
            .Contains("not retried", StringComparison.Ordinal) == true;

    /// <summary>
    /// Waits until the operator's caches hold every group and integration as the API has them, no key is ready or being
    /// reconciled and no write arrived for a moment; fails after 40 s (a hot loop never settles).
    /// </summary>
    public async Task SettleAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        var quietRounds = 0;
        var seen = -1;
        while (quietRounds < 2)
        {
            if (DateTime.UtcNow > deadline)
            {
                var reconciles = Logs().Count(r => r.Category == GroupController);
                Assert.Fail($"the operator did not settle within 40 s (a hot loop?): queues idle {string.Join("/", Queues().Select(q => q.IsIdle))}, {reconciles} group reconciles logged so far");
            }

            await Task.Delay(5);
            var writes = harness.Emulator.Requests.Count(r => r.Method != "GET");
            quietRounds = Queues().All(q => q.IsIdle) && await CaughtUpAsync() && writes == seen ? quietRounds + 1 : 0;
            seen = writes;
        }
    }

    /// <summary>A record is about an object when its Key, Group or Integration field, or its scope, names it.</summary>
    private static bool IsAbout(FakeLogRecord r, string? ns, string name)
    {
        var key = ns is null ? name : $"{ns}/{name}";
        if (r.StructuredState?.Any(p => (p.Key is "Key" or "Group" && p.Value == key) || (ns is null && p.Key == "Integration" && p.Value == name)) == true)
        {
            return true;
        }

        var scopes = r.Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>().Select(s => s.ToList()).ToList();
        return ns is null
            ? scopes.Any(s => s.Count == 2 && s.Any(p => p.Key == "Integration" && Equals(p.Value, name)))
            : scopes.Any(s => s.Any(p => p.Key == "Namespace" && Equals(p.Value, ns)) && s.Any(p => p.Key == "Group" && Equals(p.Value, name)));
    }

    /// <summary>The operator's caches hold every group and integration at the resourceVersion the API has.</summary>
    private async Task<bool> CaughtUpAsync()
    {
        var services = harness.Host!.Services;
        var groups = await new ResourceClient<SecretGroup>(harness.Client).ListAsync(null, null, CancellationToken.None);
        var integrations = await new ResourceClient<SecretStoreIntegration>(harness.Client).ListAsync(null, null, CancellationToken.None);
        return Same(groups, services.GetRequiredService<IResourceCache<SecretGroup>>())
            && Same(integrations, services.GetRequiredService<IResourceCache<SecretStoreIntegration>>());

        static bool Same<T>(IEnumerable<T> api, IResourceCache<T> cache)
            where T : class, IKubernetesObject<k8s.Models.V1ObjectMeta> =>
            api.All(o => cache.Get(ObjectKey.From(o))?.Metadata.ResourceVersion == o.Metadata.ResourceVersion);
    }

    /// <summary>The test's own writes: the operator writes a group's status, never its spec.</summary>
    private static bool IsSpecWrite(string path) => SpecPath().IsMatch(path);

    [GeneratedRegex("^/apis/secrets\\.tfy\\.dev/v1alpha1/namespaces/[^/]+/secretgroups(/[^/]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex SpecPath();

    private static bool InNamespace(string path, string ns) =>
        path.Contains($"/namespaces/{ns}/", StringComparison.Ordinal) || path.EndsWith($"/namespaces/{ns}", StringComparison.Ordinal);

    private IEnumerable<FakeLogRecord> LogsSinceStart() => Logs().Skip(ReferenceEquals(harness.Host, hostAtStart) ? logsAtStart : 0);

    private IReadOnlyList<FakeLogRecord> Logs() => harness.Host!.Services.GetFakeLogCollector().GetSnapshot();

    private IEnumerable<IControllerActivity> Queues() => harness.Host!.Services.GetServices<IControllerActivity>();
}

/// <summary>Upper bounds on a group's cost derived from the runtime's backoff schedule and the Event series intervals, not from measurements.</summary>
public static class CostBounds
{
    /// <summary>Reconcile attempts a retried failure can make within <paramref name="stretch"/>: the first, then one per backoff delay at its shortest jitter.</summary>
    public static int MaxAttempts(TimeSpan stretch, BackoffOptions? backoff = null)
    {
        backoff ??= BackoffOptions.Default;
        var attempts = 1;
        var elapsed = TimeSpan.Zero;
        for (var failures = 1; ; failures++)
        {
            elapsed += backoff.DelayFor(failures, 0);
            if (elapsed > stretch)
            {
                return attempts;
            }

            attempts++;
        }
    }

    /// <summary>Attempts a failure already at the backoff cap can make within <paramref name="stretch"/>.</summary>
    public static int MaxAttemptsAtCap(TimeSpan stretch, BackoffOptions? backoff = null) =>
        (int)(stretch / (backoff ?? BackoffOptions.Default).DelayFor(64, 0)) + 1;

    /// <summary>Event writes for one reason recurring through <paramref name="stretch"/>: create, the series' first patch, one patch per refresh and the final one.</summary>
    public static int MaxEventWrites(TimeSpan stretch) => 3 + (int)(stretch / EventRecorder.RefreshTime);
}
