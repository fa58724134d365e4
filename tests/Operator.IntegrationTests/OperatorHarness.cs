using Operator.Manifests;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Operator.Entities.V1Alpha1;
using Operator.Hosting;
using Operator.Runtime;
using Operator.Testing;
using Operator.Testing.Kube;

namespace Operator.IntegrationTests;

/// <summary>
/// The operator host in-process against the RBAC-enforcing API emulator, with fake time and captured logs. The operator
/// runs as the ServiceAccount of config/rbac with the roles shipped there; <see cref="Client"/> (the test) is an admin.
/// </summary>
public sealed class OperatorHarness : IAsyncDisposable
{
    public const string DefaultTenant = "acme";
    public const string SourceNamespace = "store-src";

    /// <summary>The operator's own namespace (--namespace), where config/rbac puts its ServiceAccount and leader-election Role.</summary>
    public const string OperatorNamespace = ShippedRbac.Namespace;

    private Action<IServiceCollection>? configureServices;

    private OperatorHarness(KubeApiEmulator emulator, FakeTimeProvider time, string tenant, string operatorToken)
    {
        Tenant = tenant;
        Emulator = emulator;
        Time = time;
        Client = emulator.CreateClient();
        OperatorToken = operatorToken;
        OperatorClient = emulator.CreateClient(operatorToken);
    }

    /// <summary>The operator's --tenant.</summary>
    public string Tenant { get; }

    public KubeApiEmulator Emulator { get; }

    public FakeTimeProvider Time { get; }

    /// <summary>A cluster admin, for the test's own set-up and checks.</summary>
    public IKubernetes Client { get; }

    /// <summary>A token of the operator's ServiceAccount (config/rbac), for operators started outside <see cref="StartOperatorAsync"/>.</summary>
    public string OperatorToken { get; }

    /// <summary>What the operator runs with: the ServiceAccount's token, so only the shipped roles apply.</summary>
    public IKubernetes OperatorClient { get; }

    /// <summary>
    /// Set by a test that expects the operator to be refused something; otherwise disposing fails when any request of
    /// the operator was answered 403, so a verb the operator needs and config/rbac lacks fails the test that needs it.
    /// </summary>
    public bool OperatorMayBeForbidden { get; set; }

    public IHost? Host { get; private set; }

    /// <summary>Extra operator settings (configuration keys such as <c>TenantAdmins</c>) for the next start.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    /// <summary>Stands in for the tfy-k8s-secret mount: files written here are what tfy-k8s-secret://KEY resolves to.</summary>
    public string MountDirectory { get; } = Directory.CreateTempSubdirectory("tfy-k8s-secrets-").FullName;

    /// <summary>Writes <c>tfy-k8s-secret://<paramref name="key"/></c> into the mount.</summary>
    public void WriteMountedSecret(string key, string value) => File.WriteAllText(Path.Combine(MountDirectory, key), value);

    /// <summary>Log lines (message, structured state and exception) of hosts already stopped.</summary>
    public List<string> CapturedLogs { get; } = [];

    /// <summary>Every log line so far, of stopped hosts and the running one.</summary>
    public IReadOnlyList<string> AllLogs() => [.. CapturedLogs, .. SnapshotLogs()];

    private IEnumerable<string> SnapshotLogs() => Host is null
        ? []
        : Host.Services.GetFakeLogCollector().GetSnapshot().Select(r =>
            $"{r.Level} {r.Category}: {r.Message} {string.Join(",", r.StructuredState?.Select(p => $"{p.Key}={p.Value}") ?? [])} {r.Exception}");

    /// <summary>Reconciles of SecretGroup <paramref name="ns"/>/<paramref name="name"/> the running operator has finished (its controller's log).</summary>
    public int GroupReconciles(string ns, string name) => Host is null
        ? 0
        : Host.Services.GetFakeLogCollector().GetSnapshot().Count(r => r.Message.StartsWith($"SecretGroup {ns}/{name} reconciled", StringComparison.Ordinal));

    /// <summary>Starts the emulator and the operator; <paramref name="configureServices"/> runs after the operator's own registrations, on every (re)start.</summary>
    public static async Task<OperatorHarness> StartAsync(
        string tenant = DefaultTenant, bool installCrds = true, bool startOperator = true, Action<IServiceCollection>? configureServices = null)
    {
        // The emulator stamps creationTimestamp from the same fake clock, so "older" is decided by the test.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var emulator = await KubeApiEmulator.StartAsync(new KubeApiEmulatorOptions { TimeProvider = time, EnforceRbac = true });
        using var admin = emulator.CreateClient();
        var harness = new OperatorHarness(emulator, time, tenant, await ShippedRbac.InstallAsync(admin, CancellationToken.None));
        if (installCrds)
        {
            await CrdInstaller.InstallAsync(harness.Client, CancellationToken.None);
        }

        harness.configureServices = configureServices;
        await harness.CreateNamespaceAsync(SourceNamespace);
        if (startOperator)
        {
            await harness.StartOperatorAsync();
        }

        return harness;
    }

    /// <summary>Starts (or restarts) the operator host; the emulator, its data and the fake clock stay.</summary>
    public async Task StartOperatorAsync()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tenant"] = Tenant,
            ["Namespace"] = OperatorNamespace,
            ["LeaderElect"] = "false",
            ["Workers"] = "2",
            ["TfyK8sSecretsPath"] = MountDirectory,
        });
        builder.Configuration.AddInMemoryCollection(Settings);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddFakeLogging();
        builder.Services.AddSingleton<TimeProvider>(Time);
        builder.Services.AddSingleton(OperatorClient);
        builder.Services.AddSecretGroupOperator(builder.Configuration);
        configureServices?.Invoke(builder.Services);
        Host = builder.Build();
        await Host.StartAsync();
        await WaitForAsync(() => Task.FromResult(Host.Services.GetRequiredService<IOperatorHealth>().CachesSynced), "caches to sync");
    }

    public async Task StopOperatorAsync()
    {
        if (Host is not null)
        {
            await Host.StopAsync();
            CapturedLogs.AddRange(SnapshotLogs());
            Host.Dispose();
            Host = null;
        }
    }

    /// <summary>A started harness with namespace <paramref name="ns"/> and the built-in store integration, Ready.</summary>
    public static async Task<OperatorHarness> StartWithIntegrationAsync(string ns)
    {
        var h = await StartAsync();
        await h.CreateNamespaceAsync(ns);
        await h.CreateIntegrationAsync();
        await h.WaitForIntegrationAsync();
        return h;
    }

    public async Task CreateNamespaceAsync(string name)
    {
        try
        {
            await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
        }
    }

    /// <summary>Writes source values into the built-in store's Secret for <paramref name="group"/>.</summary>
    public async Task SetSourceValuesAsync(string group, IDictionary<string, string> values)
    {
        var name = $"{Tenant}.{group}";
        await TestClients.UpsertSecretAsync(Client, SourceNamespace, name, values.ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value)));
    }

    /// <summary>A built-in store integration reading <paramref name="sourceNamespace"/> (one that does not exist keeps it from being Ready).</summary>
    public Task<SecretStoreIntegration> CreateIntegrationAsync(string name = "k8s-store", Action<SecretStoreIntegration>? customize = null, string sourceNamespace = SourceNamespace)
    {
        var ssi = new SecretStoreIntegration
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new SecretStoreIntegrationSpec { ProviderAccount = "local", Kubernetes = new KubernetesStoreSpec { SourceNamespace = sourceNamespace } },
        };
        customize?.Invoke(ssi);
        return new ResourceClient<SecretStoreIntegration>(Client).CreateAsync(ssi, CancellationToken.None);
    }

    public string FqnOf(string integrationName = "k8s-store") => $"{Tenant}:kubernetes:local:secret-store:{integrationName}";

    public Task<SecretGroup> CreateGroupAsync(string ns, string name, IEnumerable<string> keys, Action<SecretGroup>? customize = null)
    {
        var group = new SecretGroup
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Spec = new SecretGroupSpec { IntegrationFqn = FqnOf(), Secrets = keys.Select(k => new SecretKeySpec { Key = k }).ToList() },
        };
        customize?.Invoke(group);
        return new ResourceClient<SecretGroup>(Client).CreateAsync(group, CancellationToken.None);
    }

    /// <summary>Read-modify-write of a custom object, retried on 409 (the operator writes status concurrently), as kubectl edit would.</summary>
    public async Task UpdateAsync<T>(ObjectKey key, Action<T> change)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var api = new ResourceClient<T>(Client);
        for (var attempt = 1; ; attempt++)
        {
            var current = await api.GetAsync(key, CancellationToken.None) ?? throw new InvalidOperationException($"{key} not found");
            change(current);
            try
            {
                await api.ReplaceAsync(current, CancellationToken.None);
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict && attempt < 10)
            {
            }
        }
    }

    public Task<SecretGroup?> GetGroupAsync(string ns, string name) => new ResourceClient<SecretGroup>(Client).GetAsync(new ObjectKey(ns, name), CancellationToken.None);

    public Task<V1Secret?> GetSecretAsync(string ns, string name) => TestClients.GetSecretOrNullAsync(Client, ns, name);

    /// <summary>Waits for the group's Ready condition to have <paramref name="status"/> (and, if given, <paramref name="reason"/>).</summary>
    public async Task<SecretGroup> WaitForGroupAsync(string ns, string name, string status, string? reason = null, Func<SecretGroup, bool>? and = null)
    {
        SecretGroup? last = null;
        await WaitForAsync(async () =>
        {
            last = await GetGroupAsync(ns, name);
            var ready = last?.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
            return ready is not null && ready.Status == status && (reason is null || ready.Reason == reason) && (and is null || and(last!));
        }, $"group {ns}/{name} Ready={status} {reason}", () => KubernetesJson.Serialize(last?.Status));
        return last!;
    }

    /// <summary>Waits for integration <paramref name="name"/>'s Ready condition to have <paramref name="status"/>.</summary>
    public async Task WaitForIntegrationAsync(string name = "k8s-store", string status = "True")
    {
        SecretStoreIntegration? last = null;
        await WaitForAsync(async () =>
        {
            last = await new ResourceClient<SecretStoreIntegration>(Client).GetAsync(new ObjectKey(null, name), CancellationToken.None);
            return last?.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == status) == true;
        }, $"integration {name} Ready={status}", () => KubernetesJson.Serialize(last?.Status));
    }

    /// <summary>Number of store reads: GETs of Secrets in the built-in store's source namespace.</summary>
    public int StoreReads() => Emulator.Requests.Count(r => r.Method == "GET" && r.Path.StartsWith($"/api/v1/namespaces/{SourceNamespace}/secrets", StringComparison.Ordinal));

    /// <summary>How long a wait tolerates no progress at all: no emulator of the process answered anyone but the test's admin meanwhile.</summary>
    public static readonly TimeSpan NoProgressLimit = TimeSpan.FromSeconds(30);

    /// <summary>The ceiling of any one wait, so a condition that a steady trickle of unrelated work keeps alive still ends.</summary>
    public static readonly TimeSpan WaitCeiling = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Polls a condition of asynchronous work (not a sleep standing in for logic). The bound follows the work, not a guess
    /// at machine speed: it waits as long as the operators under test make progress (the API emulators answer the operators' requests; the test's own polling as admin does not count)
    /// and fails after <see cref="NoProgressLimit"/> without any, or at <see cref="WaitCeiling"/>. A loaded machine makes
    /// the work slower, not absent; a condition that can no longer come true (a missed fake-time deadline) fails fast.
    /// </summary>
    public static async Task WaitForAsync(Func<Task<bool>> condition, string what, Func<string>? detail = null)
    {
        var started = DateTime.UtcNow;
        var progress = KubeApiEmulator.RequestsStartedInProcess;
        var progressAt = started;
        while (true)
        {
            if (await condition())
            {
                return;
            }

            var now = DateTime.UtcNow;
            var seen = KubeApiEmulator.RequestsStartedInProcess;
            if (seen != progress)
            {
                (progress, progressAt) = (seen, now);
            }

            if (now - progressAt > NoProgressLimit || now - started > WaitCeiling)
            {
                Assert.Fail($"timed out after {(now - started).TotalSeconds:F0} s waiting for {what} ({(now - progressAt).TotalSeconds:F0} s without an API request); last: {detail?.Invoke()}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Moves fake time on once the running operator's controllers are idle (no key ready or being reconciled), so each
    /// requeue or backoff a finished reconcile registered is already on the clock; advancing while a reconcile still runs
    /// would leave its requeue behind the new time, never due (what made the rollout tests flaky under load).
    /// </summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        if (Host is not null)
        {
            var controllers = Host.Services.GetServices<IControllerActivity>().ToList();
            var quiet = 0;
            await WaitForAsync(async () =>
            {
                quiet = controllers.All(c => c.IsIdle) ? quiet + 1 : 0;
                await Task.Delay(5);
                return quiet >= 3;
            }, "the operator's controllers to be idle before moving fake time");
        }

        Time.Advance(by);
    }

    public async ValueTask DisposeAsync()
    {
        await StopOperatorAsync();
        var forbidden = ShippedRbac.ForbiddenRequests(Emulator);
        await Emulator.DisposeAsync();
        OperatorClient.Dispose();
        Client.Dispose();
        Directory.Delete(MountDirectory, recursive: true);
        Assert.True(OperatorMayBeForbidden || forbidden.Count == 0,
            $"the operator was refused {forbidden.Count} request(s) under config/rbac (add the verb there, with its reason): {string.Join("; ", forbidden.Take(10))}");
    }
}
