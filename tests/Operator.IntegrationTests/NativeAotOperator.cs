using System.Diagnostics;
using k8s;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Manifests;
using Operator.Runtime;
using Operator.Testing;
using Operator.Testing.Kube;

namespace Operator.IntegrationTests;

/// <summary>
/// The Native AOT binary (<see cref="BinaryVariable"/>) in its own process under the shipped RBAC (a ServiceAccount
/// token) against the RBAC-enforcing emulator with the CRDs installed, for the NativeAot*Tests. An AOT publish takes
/// 6-40 min on 2 cores, too long for `make test` and CI, so the binary comes from the variable (`make test-aot`
/// publishes one and sets it); without one a test is reported skipped, never passed. Mounted secrets
/// (<c>tfy-k8s-secret://KEY</c>) are written before <see cref="Run"/>; on dispose the operator's last log lines go to
/// the test output.
/// </summary>
public sealed class NativeAotOperator : IAsyncDisposable
{
    /// <summary>Names a Native AOT publish of src/Operator (the <c>Operator</c> executable).</summary>
    public const string BinaryVariable = "OPERATOR_AOT_BINARY";

    public const string Tenant = "acme";

    /// <summary>Not a measurement: an idle machine starts the binary and syncs in about a second; a hung one never does.</summary>
    private static readonly TimeSpan HangBound = TimeSpan.FromMinutes(2);

    private readonly string binary;
    private readonly ITestOutputHelper output;
    private readonly CancellationToken ct;
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("aot-smoke-");
    private readonly string kubeconfig;
    private string operatorToken = "";

    private NativeAotOperator(string binary, KubeApiEmulator kube, IKubernetes client, ITestOutputHelper output, CancellationToken ct)
    {
        this.binary = binary;
        this.output = output;
        this.ct = ct;
        kubeconfig = Path.Combine(work.FullName, "kubeconfig");
        Kube = kube;
        Client = client;
        SecretsPath = Directory.CreateDirectory(Path.Combine(work.FullName, "tfy-k8s-secrets")).FullName;
    }

    public KubeApiEmulator Kube { get; }

    /// <summary>The emulator's admin.</summary>
    public IKubernetes Client { get; }

    /// <summary>The folder <c>--tfy-k8s-secrets-path</c> names.</summary>
    public string SecretsPath { get; }

    /// <summary>A scratch folder removed on dispose (e.g. for a CA file the operator is pointed at).</summary>
    public string WorkPath => work.FullName;

    public OperatorProcess? Process { get; private set; }

    /// <summary>The binary <see cref="BinaryVariable"/> names; skips the calling test when it is unset or missing.</summary>
    public static string BinaryOrSkip()
    {
        var binary = Environment.GetEnvironmentVariable(BinaryVariable);
        if (string.IsNullOrEmpty(binary) || !File.Exists(binary))
        {
            Assert.Skip($"no Native AOT binary: {BinaryVariable} is {(string.IsNullOrEmpty(binary) ? "unset" : $"'{binary}', which does not exist")}. " +
                "`make test-aot` publishes one (6-40 min on 2 cores) and runs this test with it.");
        }

        return binary;
    }

    /// <summary>Skips without a binary; otherwise the emulator with the CRDs, <paramref name="namespaces"/> and the shipped RBAC.</summary>
    public static async Task<NativeAotOperator> StartAsync(ITestOutputHelper output, params string[] namespaces)
    {
        var binary = BinaryOrSkip();
        var ct = TestContext.Current.CancellationToken;
        var kube = await KubeApiEmulator.StartAsync(new KubeApiEmulatorOptions { EnforceRbac = true }, ct);
        var client = kube.CreateClient();
        await CrdInstaller.InstallAsync(client, ct);
        foreach (var ns in namespaces)
        {
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } }, cancellationToken: ct);
        }

        var aot = new NativeAotOperator(binary, kube, client, output, ct);
        aot.operatorToken = await ShippedRbac.InstallAsync(client, ct);
        await File.WriteAllTextAsync(aot.kubeconfig, kube.KubeconfigYaml(aot.operatorToken), ct);
        return aot;
    }

    /// <summary>
    /// Replaces the kubeconfig user's token with an exec credential plugin (client.authentication.k8s.io/v1) that prints
    /// the same ServiceAccount token, as a cloud provider's plugin (aws eks get-token, gke-gcloud-auth-plugin) does;
    /// returns the file each run of the plugin appends a line to.
    /// </summary>
    public string UseExecCredentialPlugin()
    {
        var runs = Path.Combine(work.FullName, "exec-plugin.runs");
        var plugin = Path.Combine(work.FullName, "exec-plugin.sh");
        // The library joins exec args with spaces and splits them again, so the plugin is a script without any.
        File.WriteAllText(plugin, $$$"""
            #!/bin/sh
            echo run >> '{{{runs}}}'
            echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"{{{operatorToken}}}"}}'
            """);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var yaml = Kube.KubeconfigYaml(operatorToken).Replace($"token: {operatorToken}", $"""
            exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: {plugin}
                  interactiveMode: Never
                  provideClusterInfo: false
            """, StringComparison.Ordinal);
        Assert.DoesNotContain(operatorToken, yaml, StringComparison.Ordinal);
        File.WriteAllText(kubeconfig, yaml);
        return runs;
    }

    public void WriteMountedSecret(string key, string value) => File.WriteAllText(Path.Combine(SecretsPath, key), value);

    /// <summary>Starts the binary for tenant <see cref="Tenant"/> with text logs, no leader election and the mounted secrets, plus <paramref name="args"/>.</summary>
    public OperatorProcess Run(IReadOnlyList<string>? args = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        Process = OperatorProcess.Start(
            binary,
            kubeconfig,
            Path.Combine(work.FullName, "operator.log"),
            [$"--tenant={Tenant}", $"--namespace={ShippedRbac.Namespace}", "--leader-elect=false", "--log-format=text", $"--tfy-k8s-secrets-path={SecretsPath}", .. args ?? []],
            keepOutput: true,
            environment);
        return Process;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; a timeout says what it waited for and <paramref name="last"/> (what it saw last).</summary>
    public async Task PollAsync(Func<Task<bool>> condition, string what, Func<string>? last = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.False(Process!.HasExited, $"the AOT binary exited while waiting for {what}");
            Assert.True(clock.Elapsed < HangBound, $"timed out after {HangBound.TotalSeconds:F0} s waiting for {what}{(last is null ? "" : $"; last seen: {last()}")}");
            await Task.Delay(100, ct);
        }
    }

    public Task<SecretStoreIntegration> WaitForIntegrationReadyAsync(string name) =>
        WaitForReadyAsync<SecretStoreIntegration>(new ObjectKey(null, name), i => i?.Status?.Conditions, $"integration {name} Ready");

    public Task<SecretGroup> WaitForGroupReadyAsync(string ns, string name) =>
        WaitForReadyAsync<SecretGroup>(new ObjectKey(ns, name), g => g?.Status?.Conditions, $"group {ns}/{name} Ready");

    /// <summary>Waits for the integration's Ready=False (a refused credential); returns its Ready condition.</summary>
    public async Task<V1Condition> WaitForIntegrationNotReadyAsync(string name)
    {
        var integration = await WaitForReadyAsync<SecretStoreIntegration>(new ObjectKey(null, name), i => i?.Status?.Conditions, $"integration {name} Ready=False", "False");
        return integration.Status!.Conditions!.Single(c => c.Type == "Ready");
    }

    private async Task<T> WaitForReadyAsync<T>(ObjectKey key, Func<T?, IList<V1Condition>?> conditions, string what, string status = "True")
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        T? entity = null;
        var client = new ResourceClient<T>(Client);
        await PollAsync(
            async () => conditions(entity = await client.GetAsync(key, ct))?.FirstOrDefault(c => c.Type == "Ready")?.Status == status,
            what,
            () => ReadyOf(conditions(entity)));
        return entity!;
    }

    /// <summary>Asserts the Secret <paramref name="ns"/>/<paramref name="name"/> holds exactly <paramref name="expected"/> (UTF-8 values).</summary>
    public async Task AssertSecretHoldsAsync(string ns, string name, IReadOnlyDictionary<string, string> expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var secret = await Client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: ct);
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), secret.Data.Select(p => KeyValuePair.Create(p.Key, System.Text.Encoding.UTF8.GetString(p.Value))).OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    /// <summary>A group of <paramref name="keys"/> on <paramref name="integrationFqn"/>, changed by <paramref name="configure"/>.</summary>
    public static SecretGroup Group(string ns, string name, string integrationFqn, IEnumerable<string> keys, Action<SecretGroup>? configure = null)
    {
        var group = new SecretGroup
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Spec = new SecretGroupSpec { IntegrationFqn = integrationFqn, Secrets = [.. keys.Select(k => new SecretKeySpec { Key = k })] },
        };
        configure?.Invoke(group);
        return group;
    }

    private static string ReadyOf(IEnumerable<V1Condition>? conditions) =>
        conditions?.FirstOrDefault(c => c.Type == "Ready") is { } ready ? $"Ready={ready.Status} {ready.Reason}: {ready.Message}" : "no Ready condition";

    /// <summary>An integration of provider account <c>local</c>, its store block set by <paramref name="configure"/>.</summary>
    public static SecretStoreIntegration Integration(string name, Action<SecretStoreIntegrationSpec> configure)
    {
        var spec = new SecretStoreIntegrationSpec { ProviderAccount = "local" };
        configure(spec);
        return new SecretStoreIntegration { Metadata = new V1ObjectMeta { Name = name }, Spec = spec };
    }

    /// <summary>
    /// What a user does on a store: creates <paramref name="integration"/>, starts the binary (with
    /// <paramref name="environment"/>), waits for the integration Ready, creates group <c>db</c> in <paramref name="ns"/>
    /// of the keys of <paramref name="expected"/>, waits for it Ready and asserts its Secret holds exactly those values.
    /// </summary>
    public async Task<SecretGroup> SyncGroupAsync(SecretStoreIntegration integration, string ns, IReadOnlyDictionary<string, string> expected, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(integration);
        ArgumentNullException.ThrowIfNull(expected);
        await new ResourceClient<SecretStoreIntegration>(Client).CreateAsync(integration, ct);
        Run(environment: environment);
        var ready = await WaitForIntegrationReadyAsync(integration.Metadata.Name);

        await new ResourceClient<SecretGroup>(Client).CreateAsync(Group(ns, "db", ready.Status!.Fqn!, expected.Keys), ct);
        var group = await WaitForGroupReadyAsync(ns, "db");
        await AssertSecretHoldsAsync(ns, "db", expected);
        AssertCleanRun();
        return group;
    }

    /// <summary>No failure logged, no watch broken, nothing the shipped RBAC refused.</summary>
    public void AssertCleanRun()
    {
        Assert.DoesNotContain(Process!.Output(), l => l.Contains("Watch of", StringComparison.Ordinal) || l.Contains("fail:", StringComparison.Ordinal));
        Assert.Empty(ShippedRbac.ForbiddenRequests(Kube));
    }

    public async ValueTask DisposeAsync()
    {
        Process?.Dispose();
        foreach (var log in work.GetFiles("*.log"))
        {
            var lines = File.ReadAllLines(log.FullName);
            output.WriteLine($"--- {log.Name} (its first warnings and failures, then its last lines)");
            foreach (var line in lines.Where(l => l.StartsWith("warn:", StringComparison.Ordinal) || l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal)).Take(5).Concat(["..."]).Concat(lines.TakeLast(20)))
            {
                output.WriteLine(line);
            }
        }

        work.Delete(recursive: true);
        Client.Dispose();
        await Kube.DisposeAsync();
    }
}
