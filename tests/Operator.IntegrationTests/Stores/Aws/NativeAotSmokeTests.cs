using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;
using Operator.Testing.Stores.Aws;

namespace Operator.IntegrationTests.Stores;

/// <summary>
/// The Native AOT binary on the real path (<see cref="NativeAotOperator"/>): an integration on the SSM fake, a group
/// created after it started (so it arrives by watch), synced to Ready with its Secret written, and /metrics served.
/// </summary>
public sealed class NativeAotSmokeTests(ITestOutputHelper output)
{
    private const string Tenant = NativeAotOperator.Tenant;
    private const string Ns = "team-aot";
    internal const string Integration = "aws-ssm";
    internal const string Fqn = $"{Tenant}:aws:aot-aws:secret-store:{Integration}";

    private readonly CancellationToken ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task NativeAotBinary_SyncsAGroupCreatedAfterItStarted_WritesItsSecret_AndServesMetrics()
    {
        await using var aot = await NativeAotOperator.StartAsync(output, Ns);
        var client = aot.Client;
        await using var ssm = await StartSsmAsync(aot);
        ssm.Seed($"/tfy-secret/{Tenant}/db/PASSWORD", "aot-value-1");
        ssm.Seed($"/tfy-secret/{Tenant}/db/USER", "aot-user");
        var process = aot.Run();
        await aot.WaitForIntegrationReadyAsync(Integration);

        // Created after the binary listed its caches: only a watch event brings it in (what the session-6 binary never handled).
        var clock = Stopwatch.StartNew();
        var groups = new ResourceClient<SecretGroup>(client);
        await groups.CreateAsync(Group("db", "PASSWORD", "USER"), ct);
        var group = await aot.WaitForGroupReadyAsync(Ns, "db");
        output.WriteLine($"group Ready {clock.Elapsed.TotalMilliseconds:F0} ms after its create");

        var secret = await client.CoreV1.ReadNamespacedSecretAsync("db", Ns, cancellationToken: ct);
        Assert.Equal("aot-value-1"u8.ToArray(), secret.Data["PASSWORD"]);
        Assert.Equal("aot-user"u8.ToArray(), secret.Data["USER"]);
        Assert.Equal(group.Metadata.Uid, Assert.Single(secret.Metadata.OwnerReferences).Uid);

        // A change of the group's spec is a MODIFIED event: the binary reacts to it too.
        ssm.Seed($"/tfy-secret/{Tenant}/db/TOKEN", "aot-token");
        var current = (await groups.GetAsync(new ObjectKey(Ns, "db"), ct))!;
        current.Spec.Secrets!.Add(new SecretKeySpec { Key = "TOKEN" });
        await groups.ReplaceAsync(current, ct);
        await aot.PollAsync(
            async () => (await client.CoreV1.ReadNamespacedSecretAsync("db", Ns, cancellationToken: ct)).Data?.ContainsKey("TOKEN") == true,
            "the Secret to gain TOKEN after the spec change");

        // A key the store lacks: the retried sync repeats its SecretNotFound Event, which the binary patches into a series
        // (count 2) with JSON it serializes itself (System.Text.Json reflection, off by default in trimmed and AOT publishes).
        await groups.CreateAsync(Group("missing", "ABSENT"), ct);
        await aot.PollAsync(
            async () => (await client.EventsV1.ListNamespacedEventAsync(Ns, cancellationToken: ct)).Items
                .Any(e => e.Regarding?.Name == "missing" && e.Reason == "SecretNotFound" && e.Series?.Count >= 2),
            "the missing key's SecretNotFound Event to become a series of 2");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{process.MetricsPort}/metrics"), ct);
        Assert.Contains("secretgroup_store_calls_total{", metrics, StringComparison.Ordinal);
        aot.AssertCleanRun();
    }

    [Fact]
    public async Task NativeAotBinary_RendersATemplateWithTojson()
    {
        await using var aot = await NativeAotOperator.StartAsync(output, Ns);
        await using var ssm = await StartSsmAsync(aot);
        ssm.Seed($"/tfy-secret/{Tenant}/app/PASSWORD", "p\"w ä");
        ssm.Seed($"/tfy-secret/{Tenant}/app/DB_JSON", """{"user": "app", "ports": [5432, 5433], "tls": true}""");
        aot.Run();

        await new ResourceClient<SecretGroup>(aot.Client).CreateAsync(
            NativeAotOperator.Group(Ns, "app", Fqn, ["PASSWORD", "DB_JSON"], g => g.Spec.Target = new SecretTargetSpec
            {
                Template = new SecretTemplateSpec
                {
                    Data = new Dictionary<string, string>
                    {
                        ["config.json"] = """{"password": {{ PASSWORD | tojson }}, "db": {{ DB_JSON | fromjson | tojson }}, "keys": {{ "a,b" | split: "," | tojson }}}""",
                    },
                },
            }),
            ct);
        await aot.WaitForGroupReadyAsync(Ns, "app");

        var secret = await aot.Client.CoreV1.ReadNamespacedSecretAsync("app", Ns, cancellationToken: ct);
        var config = JsonNode.Parse(secret.Data["config.json"])!;
        output.WriteLine(config.ToJsonString());
        Assert.Equal("p\"w ä", (string?)config["password"]);
        Assert.Equal("app", (string?)config["db"]!["user"]);
        Assert.Equal([5432, 5433], config["db"]!["ports"]!.AsArray().Select(p => (int)p!));
        Assert.True((bool)config["db"]!["tls"]!);
        Assert.Equal(["a", "b"], config["keys"]!.AsArray().Select(k => (string)k!));
        aot.AssertCleanRun();
    }

    /// <summary>The SSM fake and an integration on it, its access key mounted (before <see cref="NativeAotOperator.Run"/>).</summary>
    internal static async Task<SsmFake> StartSsmAsync(NativeAotOperator aot)
    {
        var ssm = await SsmFake.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        aot.WriteMountedSecret("AWS_ACCESS_KEY_ID", SsmFake.DefaultAccessKeyId);
        aot.WriteMountedSecret("AWS_SECRET_ACCESS_KEY", SsmFake.DefaultSecretAccessKey);
        await new ResourceClient<SecretStoreIntegration>(aot.Client).CreateAsync(StoreIntegration(ssm), TestContext.Current.CancellationToken);
        return ssm;
    }

    /// <summary>A group on the SSM integration.</summary>
    internal static SecretGroup Group(string name, params string[] keys) => NativeAotOperator.Group(Ns, name, Fqn, keys);

    private static SecretStoreIntegration StoreIntegration(SsmFake ssm) => new()
    {
        Metadata = new V1ObjectMeta { Name = Integration },
        Spec = new SecretStoreIntegrationSpec
        {
            ProviderAccount = "aot-aws",
            Aws = new AwsStoreSpec
            {
                Region = SsmFake.Region,
                Endpoint = ssm.Url,
                StsEndpoint = ssm.Sts.Url,
                Auth = new AwsAuthSpec { AccessKeyId = "tfy-k8s-secret://AWS_ACCESS_KEY_ID", SecretAccessKey = "tfy-k8s-secret://AWS_SECRET_ACCESS_KEY" },
            },
        },
    };
}
