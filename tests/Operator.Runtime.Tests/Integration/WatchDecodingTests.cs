using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Operator.Testing.Kube;

namespace Operator.Runtime.Tests.Integration;

/// <summary>
/// Watch lines the informer cannot read, against the emulator: the informer reads its own watch stream (WatchStream), so
/// an unreadable event is reported at once and relisted instead of being handed to a callback while the stream goes on
/// (the library's watcher did that; the failure then surfaced only when the server ended the watch, 5-10 minutes later,
/// which is how a Native AOT build handled no watch event without a word at info level).
/// </summary>
public sealed class WatchDecodingTests
{
    private const string Ns = "watch-decode";
    private const string Unreadable = "cannot-be-read";
    private readonly CancellationToken ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task UnreadableEvent_IsReportedAtOnce_NamingTheFieldNotTheValue_AndTheInformerRelists_ThenConverges()
    {
        await using var kube = await KubeApiEmulator.StartAsync(cancellationToken: ct);
        using var client = kube.CreateClient();
        await TestItemCrd.InstallAsync(client, ct);
        await Setup.CreateNamespaceAsync(client, Ns);
        var logger = new FakeLogger();
        var informer = new ResourceInformer<PickyItem>(
            new KubernetesListWatcher<PickyItem>(new ResourceClient<PickyItem>(new Kubernetes(kube.CreateClientConfiguration())), new InformerOptions { Namespace = Ns }),
            TimeProvider.System,
            logger);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(ct).WaitAsync(TimeSpan.FromSeconds(10), ct);
        await CreateAsync(client, "readable-1", "a");
        await Wait.ForAsync(() => informer.List().Count == 1, "the informer to see readable-1 through its watch");
        var listsBefore = kube.Requests.Count(IsList);

        await CreateAsync(client, "unreadable", Unreadable);

        // Well inside the watch's 300-600 s lifetime, after which the old watcher reported the error.
        await Wait.ForAsync(() => Unreadables(logger).Any(), "a warning about the unreadable event", TimeSpan.FromSeconds(10));
        var warning = Unreadables(logger).First();
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains($"testitems.it.tfy.dev/v1 in namespace {Ns}", warning.Message, StringComparison.Ordinal);
        Assert.Contains("spec.value", warning.Exception!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Unreadable, warning.Exception.ToString(), StringComparison.Ordinal);
        await Wait.ForAsync(() => kube.Requests.Count(IsList) > listsBefore, "the informer to relist after the unreadable event");

        await CreateAsync(client, "readable-2", "b");
        var repaired = await client.CustomObjects.GetNamespacedCustomObjectAsync<TestItem>("it.tfy.dev", "v1", Ns, "testitems", "unreadable", cancellationToken: ct);
        repaired.Spec.Value = "readable now";
        await client.CustomObjects.ReplaceNamespacedCustomObjectAsync(repaired, "it.tfy.dev", "v1", Ns, "testitems", "unreadable", cancellationToken: ct);

        string[] expected = [];
        string[] Cached() => [.. informer.List().Select(i => $"{i.Metadata.Name}={i.Spec.Value}@{i.Metadata.ResourceVersion}").Order(StringComparer.Ordinal)];
        await Wait.ForAsync(
            async () =>
            {
                var fresh = await client.CustomObjects.ListNamespacedCustomObjectAsync<EntityList<TestItem>>("it.tfy.dev", "v1", Ns, "testitems", cancellationToken: ct);
                expected = [.. fresh.Items.Select(i => $"{i.Metadata.Name}={i.Spec.Value}@{i.Metadata.ResourceVersion}").Order(StringComparer.Ordinal)];
                return expected.SequenceEqual(Cached());
            },
            "the cache to equal a fresh list once every object is readable",
            TimeSpan.FromSeconds(45),
            () => $"API: {string.Join(' ', expected)} | cache: {string.Join(' ', Cached())}");
        Assert.Equal(3, expected.Length);

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5), ct);
    }

    private static IEnumerable<FakeLogRecord> Unreadables(FakeLogger logger) =>
        logger.Collector.GetSnapshot().Where(r => r.Level >= LogLevel.Warning && r.Message.Contains("Watch of", StringComparison.Ordinal));

    private static bool IsList(RecordedRequest r) =>
        r.Method == "GET" && r.Path == $"/apis/it.tfy.dev/v1/namespaces/{Ns}/testitems" && !r.Query.Contains("watch=true", StringComparison.Ordinal);

    private async Task CreateAsync(IKubernetes client, string name, string value) =>
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(TestItemCrd.Item(Ns, name, value), "it.tfy.dev", "v1", Ns, "testitems", cancellationToken: ct);

    /// <summary>TestItem as a client whose model rejects one spec.value the schema allows (as a stricter model would).</summary>
    [KubernetesEntity(Group = "it.tfy.dev", ApiVersion = "v1", Kind = "TestItem", PluralName = "testitems")]
    internal sealed class PickyItem : IKubernetesObject<V1ObjectMeta>
    {
        [JsonPropertyName("apiVersion")]
        public string ApiVersion { get; set; } = "it.tfy.dev/v1";

        [JsonPropertyName("kind")]
        public string Kind { get; set; } = "TestItem";

        [JsonPropertyName("metadata")]
        public V1ObjectMeta Metadata { get; set; } = new();

        [JsonPropertyName("spec")]
        public PickySpec Spec { get; set; } = new();
    }

    internal sealed class PickySpec
    {
        [JsonPropertyName("value")]
        [JsonConverter(typeof(PickyString))]
        public string Value { get; set; } = string.Empty;
    }

    /// <summary>Refuses <see cref="Unreadable"/> as STJ refuses a value of the wrong type: a JsonException naming the path, not the value.</summary>
    internal sealed class PickyString : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var value = reader.GetString();
            return value == Unreadable ? throw new JsonException() : value;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }
}
