using System.Text;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.IntegrationTests;

public sealed class IntegrationCheckTests
{
    private const string Ns = "team-check";

    [Fact]
    public async Task AFailedCheck_IsRetriedWithBackoff_NotLeftNotReadyUntilTheRecheck()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync(Ns);
        await h.SetSourceValuesAsync("g", new Dictionary<string, string> { ["K"] = "v" });
        // Twice: the first failure's status write comes back through the watch and triggers a second check at once.
        h.Emulator.Faults.FailNext(2, 503, r => r.Method == "GET" && r.Path == $"/api/v1/namespaces/{OperatorHarness.SourceNamespace}");

        await h.CreateIntegrationAsync();
        await WaitForIntegrationAsync(h, "False", "StoreUnavailable");
        await h.CreateGroupAsync(Ns, "g", ["K"]);
        await h.WaitForGroupAsync(Ns, "g", "False", "IntegrationNotReady");

        // The queue's backoff (0.5 s, 1 s, ...) brings it back within seconds, far below the 5 minute recheck interval.
        var waited = TimeSpan.Zero;
        await OperatorHarness.WaitForAsync(
            async () =>
            {
                if (await IsReadyAsync(h, "True", "Validated"))
                {
                    return true;
                }

                h.Time.Advance(TimeSpan.FromSeconds(1));
                waited += TimeSpan.FromSeconds(1);
                await Task.Delay(100);
                return false;
            },
            "integration Ready again");
        Assert.InRange(waited, TimeSpan.Zero, TimeSpan.FromSeconds(30));
        await h.WaitForGroupAsync(Ns, "g", "True", "Synced");
        Assert.Equal("v", Encoding.UTF8.GetString((await h.GetSecretAsync(Ns, "g"))!.Data["K"]));
    }

    private static Task WaitForIntegrationAsync(OperatorHarness h, string status, string reason) =>
        OperatorHarness.WaitForAsync(() => IsReadyAsync(h, status, reason), $"integration Ready={status} {reason}");

    private static async Task<bool> IsReadyAsync(OperatorHarness h, string status, string reason)
    {
        var ssi = await new ResourceClient<SecretStoreIntegration>(h.Client).GetAsync(new ObjectKey(null, "k8s-store"), CancellationToken.None);
        return ssi?.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == status && c.Reason == reason) == true;
    }
}
