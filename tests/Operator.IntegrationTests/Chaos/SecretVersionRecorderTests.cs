using System.Globalization;
using k8s;
using k8s.Models;
using Operator.Testing.Kube;

namespace Operator.IntegrationTests.Chaos;

public sealed class SecretVersionRecorderTests
{
    private const string Ns = "recorded";

    [Fact]
    public async Task SeesEveryVersion_AcrossDroppedWatches_CompactedHistory_AndFailedRequests()
    {
        await using var kube = await KubeApiEmulator.StartAsync();
        using var client = kube.CreateClient();
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Ns } });
        await using var recorder = await SecretVersionRecorder.StartAsync(kube, Ns, "app=recorded");
        kube.Faults.FailShare(0.1, 500, seed: 5, r => r.Method == "GET"); // the recorder's requests, not the writes
        const int Writes = 300;

        for (var n = 1; n <= Writes; n++)
        {
            var secret = new V1Secret
            {
                Metadata = new V1ObjectMeta { Name = "s", NamespaceProperty = Ns, Labels = new Dictionary<string, string> { ["app"] = "recorded" } },
                StringData = new Dictionary<string, string> { ["N"] = n.ToString(CultureInfo.InvariantCulture) },
            };
            _ = n == 1 ? await client.CoreV1.CreateNamespacedSecretAsync(secret, Ns) : await client.CoreV1.ReplaceNamespacedSecretAsync(secret, "s", Ns);

            // Other writes move the resourceVersion on, so a compaction lands past the recorder's last event.
            var noise = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"noise-{n}", NamespaceProperty = Ns } };
            await client.CoreV1.CreateNamespacedConfigMapAsync(noise, Ns);
            if (n % 25 == 0)
            {
                await recorder.CompactHistoryAsync(TestContext.Current.CancellationToken);
            }

            if (n % 10 == 0)
            {
                recorder.DropWatches();
            }
        }

        await OperatorHarness.WaitForAsync(
            () => Task.FromResult(recorder.Latest().TryGetValue("s", out var v) && v.Data?["N"] == "300"),
            "the last version to be recorded");
        var seen = recorder.Versions()["s"].Select(v => int.Parse(v.Data!["N"], CultureInfo.InvariantCulture));
        Assert.Equal(Enumerable.Range(1, Writes), seen);
        Assert.Empty(recorder.Gaps);
        // 30 drops; a drop that lands while the recorder is reconnecting (after an injected 500) ends no stream, so
        // count on at least half of them having ended one.
        Assert.True(recorder.Streams > Writes / 20, $"{recorder.Streams} watch streams");
        Assert.Contains(kube.Requests, r => r.StatusCode == 500);
    }
}
