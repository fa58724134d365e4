using System.Net;
using System.Text;
using k8s;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.IntegrationTests.Attacks;

/// <summary>
/// creationPolicy Merge as a confused deputy: a namespace user who may create groups but not edit Secrets asks the
/// operator to add keys to another app's Secret (an env var injected through envFrom is code in that app). The Secret
/// must consent (<see cref="ManagedLabels.MergeAllowedFrom"/>, set by someone who may edit it).
/// </summary>
public sealed class MergeAttacks
{
    [Fact]
    public async Task MergeIntoASecretThatDidNotConsent_IsMergeNotAllowed_WritesNothing_AndNamesNoKeyOfIt()
    {
        await using var h = await Attackers.StartAsync();
        var victim = await h.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "web-env", NamespaceProperty = "team-a" },
            Data = new Dictionary<string, byte[]> { ["DATABASE_URL_canary"] = Encoding.UTF8.GetBytes("postgres://victim") },
        }, "team-a");
        using var mallory = await Attackers.NamespaceUserAsync(h, "mallory", "team-a");
        await h.SetSourceValuesAsync("inject", new Dictionary<string, string> { ["JAVA_TOOL_OPTIONS"] = "-javaagent:/evil.jar" });

        await new ResourceClient<SecretGroup>(mallory).CreateAsync(new SecretGroup
        {
            Metadata = new V1ObjectMeta { Name = "inject", NamespaceProperty = "team-a" },
            Spec = new SecretGroupSpec
            {
                IntegrationFqn = h.FqnOf(),
                Secrets = [new SecretKeySpec { Key = "JAVA_TOOL_OPTIONS" }],
                Target = new SecretTargetSpec { Name = "web-env", CreationPolicy = "Merge" },
            },
        }, CancellationToken.None);

        var refused = await h.WaitForGroupAsync("team-a", "inject", "False", "MergeNotAllowed");
        var message = refused.Status!.Conditions!.Single(c => c.Type == "Ready").Message;
        Assert.Contains($"{ManagedLabels.MergeAllowedFrom}: inject", message, StringComparison.Ordinal);
        Assert.DoesNotContain("DATABASE_URL_canary", KubernetesJson.Serialize(refused.Status), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, await Attackers.ReadSecretAsync(mallory, "team-a", "web-env"));
        await Attackers.AssertIntactAsync(h, victim);

        // The Secret's owner consents: the next retry merges, and only the group's key is added.
        await h.Client.CoreV1.PatchNamespacedSecretAsync(
            new V1Patch($"{{\"metadata\":{{\"annotations\":{{\"{ManagedLabels.MergeAllowedFrom}\":\"other, inject\"}}}}}}", V1Patch.PatchType.MergePatch), "web-env", "team-a");
        await h.AdvanceAsync(TimeSpan.FromMinutes(5));
        await h.WaitForGroupAsync("team-a", "inject", "True", "Synced");
        var merged = (await h.GetSecretAsync("team-a", "web-env"))!;
        Assert.Equal(["DATABASE_URL_canary", "JAVA_TOOL_OPTIONS"], merged.Data.Keys.Order(StringComparer.Ordinal));
    }
}
