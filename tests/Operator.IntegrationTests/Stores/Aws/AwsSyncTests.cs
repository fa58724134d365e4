using System.Text;
using k8s;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;
using Operator.Testing.Stores.Aws;

namespace Operator.IntegrationTests.Stores;

/// <summary>The operator against the SSM fake: an aws integration and its groups, end to end.</summary>
public sealed class AwsSyncTests
{
    internal const string Ns = "team-aws";
    internal const string Integration = "aws-ssm";
    private const string Fqn = "acme:aws:my-aws:secret-store:aws-ssm";

    internal static async Task<(OperatorHarness H, SsmFake Fake)> StartAsync(string accessKeyId = SsmFake.DefaultAccessKeyId, string secretAccessKey = SsmFake.DefaultSecretAccessKey, string? roleArn = null)
    {
        var h = await OperatorHarness.StartAsync();
        var fake = await SsmFake.StartAsync();
        await h.CreateNamespaceAsync(Ns);
        h.WriteMountedSecret("AWS_ACCESS_KEY_ID", accessKeyId);
        h.WriteMountedSecret("AWS_SECRET_ACCESS_KEY", secretAccessKey);
        await h.CreateIntegrationAsync(Integration, ssi =>
        {
            ssi.Spec.ProviderAccount = "my-aws";
            ssi.Spec.Kubernetes = null;
            ssi.Spec.Aws = new AwsStoreSpec
            {
                Region = "us-east-1",
                Endpoint = fake.Url,
                StsEndpoint = fake.Sts.Url,
                Auth = new AwsAuthSpec { AccessKeyId = "tfy-k8s-secret://AWS_ACCESS_KEY_ID", SecretAccessKey = "tfy-k8s-secret://AWS_SECRET_ACCESS_KEY", RoleArn = roleArn },
            };
        });
        return (h, fake);
    }

    internal static Task<SecretGroup> CreateGroupAsync(OperatorHarness h, string name, IEnumerable<string> keys, string refresh = "10m") =>
        h.CreateGroupAsync(Ns, name, keys, g =>
        {
            g.Spec.IntegrationFqn = Fqn;
            g.Spec.RefreshInterval = refresh;
        });

    internal static async Task<SecretStoreIntegration> WaitForIntegrationAsync(OperatorHarness h, string status, string? reason = null)
    {
        SecretStoreIntegration? last = null;
        await OperatorHarness.WaitForAsync(
            async () =>
            {
                last = await new ResourceClient<SecretStoreIntegration>(h.Client).GetAsync(new ObjectKey(null, Integration), CancellationToken.None);
                var ready = last?.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
                return ready is not null && ready.Status == status && (reason is null || ready.Reason == reason);
            },
            $"integration Ready={status} {reason}",
            () => KubernetesJson.Serialize(last?.Status));
        return last!;
    }

    private static string Value(V1Secret secret, string key) => Encoding.UTF8.GetString(secret.Data[key]);

    [Fact]
    public async Task GroupOfTwelveKeys_SyncsEndToEnd_InTwoGetParametersCalls()
    {
        var (h, fake) = await StartAsync();
        await using var _ = h;
        await using var __ = fake;
        var keys = Enumerable.Range(1, 12).Select(i => $"KEY_{i:D2}").ToList();
        keys.ForEach(k => fake.Seed($"/tfy-secret/acme/payments/{k}", "value-" + k));
        var integration = await WaitForIntegrationAsync(h, "True", "Validated");
        var before = fake.CallCount("GetParameters");

        await CreateGroupAsync(h, "payments", keys);
        var group = await h.WaitForGroupAsync(Ns, "payments", "True", "Synced");

        var secret = (await h.GetSecretAsync(Ns, "payments"))!;
        Assert.All(keys, k => Assert.Equal("value-" + k, Value(secret, k)));
        Assert.Equal(12, group.Status!.KeyCount);
        var first = Assert.Single(group.Status.Secrets!, s => s.Key == "KEY_01");
        Assert.Equal($"{Fqn}::/tfy-secret/acme/payments/KEY_01", first.RemoteRef);
        Assert.All(group.Status.Secrets!, s => Assert.Equal("1", s.Version));
        Assert.Equal(2, fake.CallCount("GetParameters") - before); // 12 names: one call of 10, one of 2
        Assert.Equal(Fqn, integration.Status!.Fqn);
        Assert.True(before >= 1); // the connectivity check: a GetParameters of a probe name under the tenant's prefix
    }

    [Fact]
    public async Task DataFromFind_ListsTwelveParameters_InTwoGetParametersByPathPages_AndReadsNothingElse()
    {
        var (h, fake) = await StartAsync();
        await using var _ = h;
        await using var __ = fake;
        var keys = Enumerable.Range(1, 12).Select(i => $"KEY_{i:D2}").ToList();
        keys.ForEach(k => fake.Seed($"/tfy-secret/acme/found/{k}", "value-" + k));
        fake.Seed("/tfy-secret/acme/found/nested/DEEP", "deep");
        fake.Seed("/tfy-secret/acme/elsewhere/KEY_01", "not found here");
        await WaitForIntegrationAsync(h, "True", "Validated");
        var (gets, lists) = (fake.CallCount("GetParameters"), fake.CallCount("GetParametersByPath"));

        await h.CreateGroupAsync(Ns, "found", [], g =>
        {
            g.Spec.IntegrationFqn = Fqn;
            g.Spec.DataFrom = [new DataFromSpec { Find = new FindSpec { Path = "/tfy-secret/acme/found/" } }];
        });
        var group = await h.WaitForGroupAsync(Ns, "found", "True", "Synced");

        var secret = (await h.GetSecretAsync(Ns, "found"))!;
        Assert.Equal([.. keys, "nested_DEEP"], secret.Data.Keys.Order(StringComparer.Ordinal));
        Assert.All(keys, k => Assert.Equal("value-" + k, Value(secret, k)));
        Assert.Equal("deep", Value(secret, "nested_DEEP"));
        Assert.Equal(13, group.Status!.KeyCount);
        Assert.Equal((0, 2), (fake.CallCount("GetParameters") - gets, fake.CallCount("GetParametersByPath") - lists));
    }

    [Fact]
    public async Task RotatedParameter_ReachesTheSecret_AfterTheRefreshInterval()
    {
        var (h, fake) = await StartAsync();
        await using var _ = h;
        await using var __ = fake;
        fake.Seed("/tfy-secret/acme/rotating/API_KEY", "old");
        await WaitForIntegrationAsync(h, "True");
        await CreateGroupAsync(h, "rotating", ["API_KEY"]);
        var synced = await h.WaitForGroupAsync(Ns, "rotating", "True", "Synced");

        fake.Seed("/tfy-secret/acme/rotating/API_KEY", "new");
        await h.AdvanceAsync(TimeSpan.FromMinutes(11));

        var rotated = await h.WaitForGroupAsync(Ns, "rotating", "True", and: g => g.Status!.LastSyncTime > synced.Status!.LastSyncTime && g.Status.Secrets![0].Version == "2");
        Assert.Equal("new", Value((await h.GetSecretAsync(Ns, "rotating"))!, "API_KEY"));
        Assert.Equal("2", rotated.Status!.Secrets!.Single().Version);
    }

    [Fact]
    public async Task UnknownAccessKey_MakesTheIntegrationNotReady_WithoutLeakingCredentials()
    {
        const string keyCanary = "AKIACANARY7F3A9C0001";
        const string secretCanary = "SECRET-CANARY-7f3a9c-do-not-leak";
        var (h, fake) = await StartAsync(keyCanary, secretCanary);
        await using var _ = h;
        await using var __ = fake;

        var ssi = await WaitForIntegrationAsync(h, "False", "StoreAuthenticationFailed");

        Assert.Contains("spec.aws.auth", ssi.Status!.Conditions!.Single(c => c.Type == "Ready").Message, StringComparison.Ordinal);
        Eventsv1EventList events = null!;
        await OperatorHarness.WaitForAsync(
            async () =>
            {
                events = await h.Client.EventsV1.ListEventForAllNamespacesAsync();
                return events.Items.Any(e => e.Reason == "StoreAuthenticationFailed" && e.Regarding.Name == Integration);
            },
            "a StoreAuthenticationFailed Event on the integration",
            () => KubernetesJson.Serialize(events?.Items.Select(e => (e.Reason, e.Regarding.Name))));
        var observed = string.Join("\n", h.AllLogs()) + KubernetesJson.Serialize(ssi) + KubernetesJson.Serialize(events);
        Assert.DoesNotContain("CANARY", observed, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CanaryValues_NeverAppearInLogsEventsOrStatus()
    {
        const string canary = "VALUE-CANARY-1b2c3d-do-not-leak";
        var (h, fake) = await StartAsync();
        await using var _ = h;
        await using var __ = fake;
        fake.Seed("/tfy-secret/acme/leaky/API_KEY", canary);
        fake.Seed("/tfy-secret/acme/leaky/OTHER", canary + "-2");
        await CreateGroupAsync(h, "leaky", ["API_KEY", "OTHER"]);
        await h.WaitForGroupAsync(Ns, "leaky", "True", "Synced");

        // The failure path too: access is withdrawn at the next refresh.
        fake.DenyPrefix("/tfy-secret/acme/leaky/");
        await h.AdvanceAsync(TimeSpan.FromMinutes(11));
        var failed = await h.WaitForGroupAsync(Ns, "leaky", "False", "StoreAccessDenied");

        Assert.Equal(canary, Value((await h.GetSecretAsync(Ns, "leaky"))!, "API_KEY"));
        Eventsv1EventList events = null!;
        await OperatorHarness.WaitForAsync(
            async () => (events = await h.Client.EventsV1.ListEventForAllNamespacesAsync()).Items.Any(e => e.Reason == "StoreAccessDenied"),
            "a StoreAccessDenied Event");
        var ssi = await new ResourceClient<SecretStoreIntegration>(h.Client).GetAsync(new ObjectKey(null, Integration), CancellationToken.None);
        var observed = string.Join("\n", h.AllLogs()) + KubernetesJson.Serialize(failed) + KubernetesJson.Serialize(events) + KubernetesJson.Serialize(ssi);
        Assert.NotEmpty(events.Items);
        Assert.DoesNotContain("CANARY", observed, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(canary)), observed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssumedRole_SyncsThroughStsAssumeRole()
    {
        const string role = "arn:aws:iam::123456789012:role/secret-reader";
        var (h, fake) = await StartAsync(roleArn: role);
        await using var _ = h;
        await using var __ = fake;
        fake.Seed("/tfy-secret/acme/assumed/API_KEY", "via-role");

        await WaitForIntegrationAsync(h, "True", "Validated");
        await CreateGroupAsync(h, "assumed", ["API_KEY"]);
        await h.WaitForGroupAsync(Ns, "assumed", "True", "Synced");

        Assert.Equal("via-role", Value((await h.GetSecretAsync(Ns, "assumed"))!, "API_KEY"));
        Assert.Equal(1, fake.Sts.CallCount("AssumeRole"));
        Assert.Equal(role, fake.Sts.LastAssumeRole!.Value.RoleArn);
        Assert.All(fake.Calls.Where(c => c.Operation == "GetParameters"), c => Assert.StartsWith("ASIA", c.AccessKeyId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restart_WithAFreshIntegrationAndGroup_CallsTheStoreNotAtAll_UntilTheRecheckIsDue()
    {
        var (h, fake) = await StartAsync();
        await using var _ = h;
        await using var __ = fake;
        fake.Seed("/tfy-secret/acme/payments/KEY", "v1");
        var validated = (await WaitForIntegrationAsync(h, "True", "Validated")).Status!.LastValidatedTime;
        Assert.NotNull(validated);
        await CreateGroupAsync(h, "payments", ["KEY"], refresh: "1h");
        await h.WaitForGroupAsync(Ns, "payments", "True", "Synced");

        await h.StopOperatorAsync();
        h.Time.Advance(TimeSpan.FromMinutes(2));
        var before = fake.TotalCalls;
        await h.StartOperatorAsync();

        // A group created now syncs after the restarted controllers have looked at everything else.
        fake.Seed("/tfy-secret/acme/sentinel/KEY", "s");
        await CreateGroupAsync(h, "sentinel", ["KEY"]);
        await h.WaitForGroupAsync(Ns, "sentinel", "True", "Synced");
        Assert.Equal(["GetParameters"], fake.Calls.Skip(before).Select(c => c.Operation));

        // The recheck still comes, at the time the status said, and moves lastValidatedTime.
        before = fake.TotalCalls;
        await h.AdvanceAsync(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(1));
        await OperatorHarness.WaitForAsync(
            async () => (await new ResourceClient<SecretStoreIntegration>(h.Client).GetAsync(new ObjectKey(null, Integration), CancellationToken.None))?.Status?.LastValidatedTime > validated,
            "the integration rechecked after the interval");
        Assert.Contains(fake.Calls.Skip(before), c => c.Operation == "GetParameters");
    }
}
