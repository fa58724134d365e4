using System.Diagnostics;
using k8s;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Manifests;
using Operator.Runtime;
using Operator.Testing;
using Operator.Testing.Kube;
using Operator.Testing.Stores.Aws;

namespace Operator.IntegrationTests.Stores;

/// <summary>
/// The Native AOT binary on the real path: its own process under the shipped RBAC (a ServiceAccount token) against the
/// emulator, an integration on the SSM fake, a group created after it started (so it arrives by watch), synced to Ready
/// with its Secret written, and /metrics served. An AOT publish takes 6-40 min on 2 cores, too long for `make test` and
/// CI, so the binary comes from <see cref="BinaryVariable"/> (`make test-aot` publishes one and sets it); without one
/// the test is reported skipped, never passed.
/// </summary>
public sealed class NativeAotSmokeTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Names a Native AOT publish of src/Operator (the <c>Operator</c> executable).</summary>
    public const string BinaryVariable = "OPERATOR_AOT_BINARY";

    private const string Tenant = "acme";
    private const string Ns = "team-aot";
    private const string Integration = "aws-ssm";

    /// <summary>Not a measurement: an idle machine starts the binary and syncs in about a second; a hung one never does.</summary>
    private static readonly TimeSpan HangBound = TimeSpan.FromMinutes(2);

    private readonly CancellationToken ct = TestContext.Current.CancellationToken;
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("aot-smoke-");
    private OperatorProcess? process;

    [Fact]
    public async Task NativeAotBinary_SyncsAGroupCreatedAfterItStarted_WritesItsSecret_AndServesMetrics()
    {
        var binary = Environment.GetEnvironmentVariable(BinaryVariable);
        if (string.IsNullOrEmpty(binary) || !File.Exists(binary))
        {
            Assert.Skip($"no Native AOT binary: {BinaryVariable} is {(string.IsNullOrEmpty(binary) ? "unset" : $"'{binary}', which does not exist")}. " +
                "`make test-aot` publishes one (6-40 min on 2 cores) and runs this test with it.");
        }

        await using var kube = await KubeApiEmulator.StartAsync(new KubeApiEmulatorOptions { EnforceRbac = true }, ct);
        using var client = kube.CreateClient();
        await CrdInstaller.InstallAsync(client, ct);
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Ns } }, cancellationToken: ct);
        await using var ssm = await SsmFake.StartAsync(cancellationToken: ct);
        ssm.Seed($"/tfy-secret/{Tenant}/db/PASSWORD", "aot-value-1");
        ssm.Seed($"/tfy-secret/{Tenant}/db/USER", "aot-user");
        await new ResourceClient<SecretStoreIntegration>(client).CreateAsync(StoreIntegration(ssm.Url), ct);

        var kubeconfig = Path.Combine(work.FullName, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, kube.KubeconfigYaml(await ShippedRbac.InstallAsync(client, ct)), ct);
        var secrets = Directory.CreateDirectory(Path.Combine(work.FullName, "tfy-k8s-secrets")).FullName;
        await File.WriteAllTextAsync(Path.Combine(secrets, "AWS_ACCESS_KEY_ID"), SsmFake.DefaultAccessKeyId, ct);
        await File.WriteAllTextAsync(Path.Combine(secrets, "AWS_SECRET_ACCESS_KEY"), SsmFake.DefaultSecretAccessKey, ct);
        process = OperatorProcess.Start(
            binary,
            kubeconfig,
            Path.Combine(work.FullName, "operator.log"),
            [$"--tenant={Tenant}", $"--namespace={ShippedRbac.Namespace}", "--leader-elect=false", "--log-format=text", $"--tfy-k8s-secrets-path={secrets}"],
            keepOutput: true);

        var integrations = new ResourceClient<SecretStoreIntegration>(client);
        await PollAsync(async () => Conditions.IsTrue((await integrations.GetAsync(new ObjectKey(null, Integration), ct))?.Status?.Conditions, "Ready"), "the integration Ready");

        // Created after the binary listed its caches: only a watch event brings it in (what the session-6 binary never handled).
        var clock = Stopwatch.StartNew();
        var groups = new ResourceClient<SecretGroup>(client);
        await groups.CreateAsync(Group("db", "PASSWORD", "USER"), ct);
        SecretGroup? group = null;
        await PollAsync(async () => Conditions.IsTrue((group = await groups.GetAsync(new ObjectKey(Ns, "db"), ct))?.Status?.Conditions, "Ready"), "the group Ready");
        output.WriteLine($"group Ready {clock.Elapsed.TotalMilliseconds:F0} ms after its create");

        var secret = await client.CoreV1.ReadNamespacedSecretAsync("db", Ns, cancellationToken: ct);
        Assert.Equal("aot-value-1"u8.ToArray(), secret.Data["PASSWORD"]);
        Assert.Equal("aot-user"u8.ToArray(), secret.Data["USER"]);
        Assert.Equal(group!.Metadata.Uid, Assert.Single(secret.Metadata.OwnerReferences).Uid);

        // A change of the group's spec is a MODIFIED event: the binary reacts to it too.
        ssm.Seed($"/tfy-secret/{Tenant}/db/TOKEN", "aot-token");
        var current = (await groups.GetAsync(new ObjectKey(Ns, "db"), ct))!;
        current.Spec.Secrets!.Add(new SecretKeySpec { Key = "TOKEN" });
        await groups.ReplaceAsync(current, ct);
        await PollAsync(
            async () => (await client.CoreV1.ReadNamespacedSecretAsync("db", Ns, cancellationToken: ct)).Data?.ContainsKey("TOKEN") == true,
            "the Secret to gain TOKEN after the spec change");

        // A key the store lacks: the retried sync repeats its SecretNotFound Event, which the binary patches into a series
        // (count 2) with JSON it serializes itself (System.Text.Json reflection, off by default in trimmed and AOT publishes).
        await groups.CreateAsync(Group("missing", "ABSENT"), ct);
        await PollAsync(
            async () => (await client.EventsV1.ListNamespacedEventAsync(Ns, cancellationToken: ct)).Items
                .Any(e => e.Regarding?.Name == "missing" && e.Reason == "SecretNotFound" && e.Series?.Count >= 2),
            "the missing key's SecretNotFound Event to become a series of 2");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{process.MetricsPort}/metrics"), ct);
        Assert.Contains("secretgroup_store_calls_total{", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain(process.Output(), l => l.Contains("Watch of", StringComparison.Ordinal) || l.Contains("fail:", StringComparison.Ordinal));
        Assert.Empty(ShippedRbac.ForbiddenRequests(kube));
    }

    public void Dispose()
    {
        process?.Dispose();
        foreach (var log in work.GetFiles("*.log"))
        {
            output.WriteLine($"--- {log.Name} (last lines)");
            foreach (var line in File.ReadLines(log.FullName).TakeLast(20))
            {
                output.WriteLine(line);
            }
        }

        work.Delete(recursive: true);
    }

    private static SecretStoreIntegration StoreIntegration(string endpoint) => new()
    {
        Metadata = new V1ObjectMeta { Name = Integration },
        Spec = new SecretStoreIntegrationSpec
        {
            ProviderAccount = "aot-aws",
            Aws = new AwsStoreSpec
            {
                Region = SsmFake.Region,
                Endpoint = endpoint,
                Auth = new AwsAuthSpec { AccessKeyId = "tfy-k8s-secret://AWS_ACCESS_KEY_ID", SecretAccessKey = "tfy-k8s-secret://AWS_SECRET_ACCESS_KEY" },
            },
        },
    };

    private static SecretGroup Group(string name, params string[] keys) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns },
        Spec = new SecretGroupSpec
        {
            IntegrationFqn = $"{Tenant}:aws:aot-aws:secret-store:{Integration}",
            Secrets = [.. keys.Select(k => new SecretKeySpec { Key = k })],
        },
    };

    private async Task PollAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.False(process!.HasExited, $"the AOT binary exited while waiting for {what}");
            Assert.True(clock.Elapsed < HangBound, $"timed out after {HangBound.TotalSeconds:F0} s waiting for {what}");
            await Task.Delay(100, ct);
        }
    }
}
