using k8s;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.IntegrationTests.Stores;

/// <summary>Plain http to another host carries credentials in clear: refused unless the integration opts in, then flagged.</summary>
public sealed class VaultInsecureEndpointTests
{
    private const string Name = "vault-plain";

    // .invalid never resolves (RFC 2606), so no request can leave this machine whatever the operator does.
    private const string PlainUrl = "http://vault.invalid:8200";

    [Fact]
    public async Task PlainHttpToAnotherHost_IsInvalidSpec_UntilInsecure_ThenConditionInsecureWarns()
    {
        await using var h = await OperatorHarness.StartAsync();
        h.WriteMountedSecret("VAULT_TOKEN", "s.not-a-real-token");
        await h.CreateIntegrationAsync(Name, ssi =>
        {
            ssi.Spec.Kubernetes = null;
            ssi.Spec.Hashicorp = new HashicorpStoreSpec { Url = PlainUrl, Auth = new HashicorpAuthSpec { Token = "tfy-k8s-secret://VAULT_TOKEN" } };
        });

        var refused = await WaitForAsync(h, s => Condition(s, "Ready") is { Status: "False", Reason: "InvalidSpec" });
        Assert.Contains("spec.hashicorp.url: plain http to 'vault.invalid'", Condition(refused, "Ready")!.Message, StringComparison.Ordinal);
        Assert.Null(Condition(refused, "Insecure"));

        await UpdateAsync(h, ssi => ssi.Spec.Insecure = true);
        var flagged = await WaitForAsync(h, s => Condition(s, "Insecure")?.Status == "True" && Condition(s, "Ready")?.Reason != "InvalidSpec");
        Assert.Equal("PlainHttpEndpoint", Condition(flagged, "Insecure")!.Reason);
        Assert.Contains("spec.hashicorp.url", Condition(flagged, "Insecure")!.Message, StringComparison.Ordinal);

        await UpdateAsync(h, ssi => ssi.Spec.Hashicorp!.Url = "https://vault.invalid:8200");
        await WaitForAsync(h, s => Condition(s, "Insecure") is { Status: "False", Reason: "Encrypted" });
    }

    private static V1Condition? Condition(SecretStoreIntegrationStatus? status, string type) =>
        status?.Conditions?.FirstOrDefault(c => c.Type == type);

    private static async Task UpdateAsync(OperatorHarness h, Action<SecretStoreIntegration> change)
    {
        var client = new ResourceClient<SecretStoreIntegration>(h.Client);
        var ssi = (await client.GetAsync(new ObjectKey(null, Name), CancellationToken.None))!;
        change(ssi);
        await client.ReplaceAsync(ssi, CancellationToken.None);
    }

    private static async Task<SecretStoreIntegrationStatus> WaitForAsync(OperatorHarness h, Func<SecretStoreIntegrationStatus?, bool> condition)
    {
        SecretStoreIntegrationStatus? last = null;
        await OperatorHarness.WaitForAsync(
            async () =>
            {
                last = (await new ResourceClient<SecretStoreIntegration>(h.Client).GetAsync(new ObjectKey(null, Name), CancellationToken.None))?.Status;
                return condition(last);
            },
            "integration conditions",
            () => KubernetesJson.Serialize(last));
        return last!;
    }
}
