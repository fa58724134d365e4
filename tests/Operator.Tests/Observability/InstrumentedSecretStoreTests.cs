using System.Diagnostics.Metrics;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Operator.Entities.V1Alpha1;
using Operator.Observability;
using Operator.References;
using Operator.Runtime;
using Operator.Stores;
using Operator.Tests.Stores;

namespace Operator.Tests.Observability;

public sealed class InstrumentedSecretStoreTests : IDisposable
{
    private const string Canary = "canary-secret-3b1d";
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly Groups groups = new();
    private readonly OperatorMetrics metrics;

    public InstrumentedSecretStoreTests()
    {
        metrics = new OperatorMetrics(services.GetRequiredService<IMeterFactory>(), new Secrets(3), new Leader(), groups, time);
    }

    public void Dispose()
    {
        metrics.Dispose();
        services.Dispose();
    }

    private MetricCollector<T> Collect<T>(string instrument)
        where T : struct => new(services.GetRequiredService<IMeterFactory>(), OperatorMetrics.MeterName, instrument);

    [Fact]
    public async Task Calls_AreCountedByProviderAndOperation_WithLatency_AndNoPathOrValue()
    {
        using var calls = Collect<long>("operator_store_requests_total");
        using var latency = Collect<double>("operator_store_request_duration_seconds");
        var store = new InstrumentedSecretStore(new FakeStore(), new Provider("aws"), metrics);

        await store.ReadManyAsync(["/tfy-secret/acme/g/KEY"], CancellationToken.None);
        await store.WriteAsync("/tfy-secret/acme/g/KEY", Canary, CancellationToken.None);

        Assert.Equal(["read_many", "write"], calls.GetMeasurementSnapshot().Select(m => (string)m.Tags["operation"]!));
        Assert.All(calls.GetMeasurementSnapshot(), m => Assert.Equal(("aws", 2), ((string)m.Tags["provider"]!, m.Tags.Count)));
        Assert.Equal(2, latency.GetMeasurementSnapshot().Count);
        Assert.All(calls.GetMeasurementSnapshot().SelectMany(m => m.Tags.Values), v => Assert.DoesNotContain("tfy-secret", (string)v!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Failures_AreCountedWithTheErrorKind_AndStillThrown()
    {
        using var errors = Collect<long>("operator_store_errors_total");
        var store = new InstrumentedSecretStore(new FakeStore { Fail = new SecretStoreException(StoreErrorKind.Throttled, "rate exceeded") }, new Provider("hashicorp"), metrics);

        var thrown = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync("/p", CancellationToken.None));

        Assert.Equal(StoreErrorKind.Throttled, thrown.Kind);
        var error = Assert.Single(errors.GetMeasurementSnapshot());
        Assert.Equal(("hashicorp", "read", "Throttled"), ((string)error.Tags["provider"]!, (string)error.Tags["operation"]!, (string)error.Tags["reason"]!));
    }

    [Fact]
    public async Task CallsByNamespace_KeepTheFirstTwentyNames_CountTheRestAsOther_AndCountEachSyncsCalls()
    {
        using var calls = Collect<long>("secretgroup_store_calls_total");
        var store = new InstrumentedSecretStore(new FakeStore(), new Provider("aws"), metrics, "aws-prod");
        for (var i = 0; i < 1000; i++)
        {
            using var sync = StoreCallScope.Begin($"team-{i:000}");
            await store.ReadManyAsync(["/tfy-secret/acme/g/A"], CancellationToken.None);
            await store.ReadManyAsync(["/tfy-secret/acme/g/B"], CancellationToken.None);
            Assert.Equal(2, sync.Calls);
        }

        await store.ValidateAsync(CancellationToken.None);

        // 1,000 namespaces, 22 label values: 20 names, other, and '-' for the integration's own check; nothing lost.
        var measured = calls.GetMeasurementSnapshot();
        var byNamespace = measured.GroupBy(m => (string)m.Tags["namespace"]!).ToDictionary(g => g.Key, g => g.Sum(m => m.Value));
        Assert.Equal(NamespaceLabels.DefaultLimit + 2, byNamespace.Count);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"team-{i:000}"), byNamespace.Keys.Where(k => k.StartsWith("team-", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(2 * 980, byNamespace[NamespaceLabels.Other]);
        Assert.Equal(1, byNamespace[NamespaceLabels.None]);
        Assert.Equal(2001, byNamespace.Values.Sum());
        Assert.All(measured, m => Assert.Equal(("aws-prod", 2), ((string)m.Tags["integration"]!, m.Tags.Count)));
    }

    [Fact]
    public void Gauges_ReportManagedSecretsLeaderAndOldestSyncAge()
    {
        using var managed = Collect<int>("operator_managed_secrets");
        using var leader = Collect<int>("operator_leader");
        using var age = Collect<double>("operator_last_sync_age_seconds");
        var now = time.GetUtcNow().UtcDateTime;
        groups.Items.Add(Synced(now - TimeSpan.FromMinutes(50)));
        groups.Items.Add(Synced(now - TimeSpan.FromMinutes(5)));
        groups.Items.Add(new SecretGroup());

        managed.RecordObservableInstruments();
        leader.RecordObservableInstruments();
        age.RecordObservableInstruments();

        Assert.Equal(3, managed.LastMeasurement!.Value);
        Assert.Equal(1, leader.LastMeasurement!.Value);
        Assert.Equal(3000, age.LastMeasurement!.Value);
        Assert.Empty(age.LastMeasurement.Tags);
    }

    private static SecretGroup Synced(DateTime lastSync) => new() { Status = new SecretGroupStatus { LastSyncTime = lastSync, NextSyncTime = lastSync + TimeSpan.FromHours(1) } };

    private sealed class Groups : IResourceCache<SecretGroup>
    {
        public List<SecretGroup> Items { get; } = [];

        public bool HasSynced => true;

        public SecretGroup? Get(ObjectKey key) => null;

        public IReadOnlyList<SecretGroup> List(string? @namespace = null) => Items;

        public IReadOnlyList<SecretGroup> ByIndex(string index, string value) => throw new NotSupportedException("no indexes");
    }

    private sealed class Secrets(int count) : IResourceCache<V1Secret>
    {
        public bool HasSynced => true;

        public V1Secret? Get(ObjectKey key) => null;

        public IReadOnlyList<V1Secret> List(string? @namespace = null) => [.. Enumerable.Range(0, count).Select(_ => new V1Secret())];

        public IReadOnlyList<V1Secret> ByIndex(string index, string value) => throw new NotSupportedException("no indexes");
    }

    private sealed class Leader : ILeaderStatus
    {
        public bool IsLeader => true;
    }

    private sealed class FakeStore : ISecretStore
    {
        public Exception? Fail { get; init; }

        public StoreCapabilities Capabilities { get; } = new(10, true, 1024);

        public string DefaultPath(GroupFqn group, string key) => $"/{key}";

        public Task<IReadOnlyDictionary<string, StoreValue>> ReadManyAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken) =>
            Fail is null ? Task.FromResult<IReadOnlyDictionary<string, StoreValue>>(paths.ToDictionary(p => p, _ => new StoreValue(System.Text.Encoding.UTF8.GetBytes(Canary), "1"))) : Task.FromException<IReadOnlyDictionary<string, StoreValue>>(Fail);

        public Task<StoreValue?> ReadAsync(string path, CancellationToken cancellationToken) =>
            Fail is null ? Task.FromResult<StoreValue?>(new StoreValue(System.Text.Encoding.UTF8.GetBytes(Canary), "1")) : Task.FromException<StoreValue?>(Fail);

        public Task<string?> WriteAsync(string path, ReadOnlyMemory<byte> value, CancellationToken cancellationToken) => Task.FromResult<string?>("2");

        public Task DeleteAsync(string path, CancellationToken cancellationToken) => Task.CompletedTask;


        public Task<StoreValue?> ReadVersionAsync(string path, string version, CancellationToken cancellationToken) => Task.FromResult<StoreValue?>(null);

        public Task ValidateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
