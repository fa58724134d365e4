using k8s;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;
using Operator.Testing.Stores.Aws;

namespace Operator.IntegrationTests.Stores;

/// <summary>
/// An integration whose access key lives in a SecretGroup (<c>tfy-secret://</c>): rotating the key in that group reaches
/// the integration without editing it or restarting, so revoking the old key breaks nothing.
/// </summary>
public sealed class AwsCredentialRotationTests
{
    private const string Ns = "team-rot";
    private const string NewKeyId = "AKIAROTATED000000002";
    private static readonly string[] Groups = ["orders", "billing", "search"];

    [Fact]
    public async Task RotatedKeyInAGroup_IsPickedUp_AndRevokingTheOldOne_KeepsEveryGroupReady()
    {
        await using var fake = await SsmFake.StartAsync();
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync(Ns);
        await h.CreateNamespaceAsync("platform");
        foreach (var g in Groups)
        {
            fake.Seed($"/tfy-secret/acme/{g}/API_KEY", $"{g}-value");
        }

        // The platform team keeps the AWS key in a group on the built-in store.
        await h.SetSourceValuesAsync("aws-creds", new Dictionary<string, string> { ["ID"] = SsmFake.DefaultAccessKeyId, ["SECRET"] = SsmFake.DefaultSecretAccessKey });
        await h.CreateIntegrationAsync();
        await h.CreateGroupAsync("platform", "aws-creds", ["ID", "SECRET"], g => g.Spec.RefreshInterval = "1m");
        await h.WaitForGroupAsync("platform", "aws-creds", "True", "Synced");
        await h.CreateIntegrationAsync("aws-ssm", ssi =>
        {
            ssi.Spec.ProviderAccount = "my-aws";
            ssi.Spec.Kubernetes = null;
            ssi.Spec.Aws = new AwsStoreSpec
            {
                Region = SsmFake.Region,
                Endpoint = fake.Url,
                Auth = new AwsAuthSpec { AccessKeyId = "tfy-secret://acme:aws-creds:ID", SecretAccessKey = "tfy-secret://acme:aws-creds:SECRET" },
            };
        });
        foreach (var g in Groups)
        {
            await h.CreateGroupAsync(Ns, g, ["API_KEY"], s =>
            {
                s.Spec.IntegrationFqn = "acme:aws:my-aws:secret-store:aws-ssm";
                s.Spec.RefreshInterval = "5m";
            });
        }

        foreach (var g in Groups)
        {
            await h.WaitForGroupAsync(Ns, g, "True", "Synced");
        }

        var readySince = await ReadySinceAsync(h);

        // Rotate: the new key works, the group holding it syncs, then the old key is revoked.
        fake.AllowAccessKey(NewKeyId);
        await h.SetSourceValuesAsync("aws-creds", new Dictionary<string, string> { ["ID"] = NewKeyId, ["SECRET"] = "rotated-secret" });
        await AdvanceUntilAsync(h, async () => System.Text.Encoding.UTF8.GetString((await h.GetSecretAsync("platform", "aws-creds"))!.Data["ID"]) == NewKeyId, "the credentials group to sync the new key");
        await AdvanceUntilAsync(h, () => Task.FromResult(fake.Calls.Any(c => c.Operation == "GetParameters" && c.AccessKeyId == NewKeyId)), "the integration to read with the new key");
        fake.RevokeAccessKey(SsmFake.DefaultAccessKeyId);
        var revokedAt = fake.Calls.Count;

        for (var i = 0; i < 3; i++)
        {
            h.Time.Advance(TimeSpan.FromMinutes(6));
            await OperatorHarness.WaitForAsync(() => Task.FromResult(fake.Calls.Skip(revokedAt).Count(c => c.Operation == "GetParameters") >= Groups.Length * (i + 1)), "every group to refresh");
        }

        Assert.DoesNotContain(fake.Calls.Skip(revokedAt), c => c.Status != 200);
        Assert.Equal(readySince, await ReadySinceAsync(h));
        var integration = await new ResourceClient<SecretStoreIntegration>(h.Client).GetAsync(new ObjectKey(null, "aws-ssm"), CancellationToken.None);
        Assert.Equal(1, integration!.Metadata.Generation);
    }

    /// <summary>When each group last became Ready: unchanged means it never left Ready.</summary>
    private static async Task<string> ReadySinceAsync(OperatorHarness h)
    {
        var times = new List<string>();
        foreach (var g in Groups)
        {
            var group = await h.GetGroupAsync(Ns, g);
            var ready = group!.Status!.Conditions!.Single(c => c.Type == "Ready");
            Assert.Equal("True", ready.Status);
            times.Add($"{g}:{ready.LastTransitionTime:O}");
        }

        return string.Join(",", times);
    }

    private static async Task AdvanceUntilAsync(OperatorHarness h, Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 20 && !await condition(); i++)
        {
            h.Time.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(200);
        }

        await OperatorHarness.WaitForAsync(condition, what, () => KubernetesJson.Serialize(h.Time.GetUtcNow()));
    }
}
