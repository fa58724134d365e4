using System.Text;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;
using Operator.Testing.Stores.Aws;

namespace Operator.IntegrationTests.Stores;

/// <summary>The operator against the SSM fake with groups that read the same parameters through path references.</summary>
internal sealed class SharedSsm : IAsyncDisposable
{
    public const string Integration = "aws-ssm";
    public const string Fqn = "acme:aws:my-aws:secret-store:aws-ssm";
    public const string Refresh = "10m";

    /// <summary>More than the refresh interval and its jitter: every group is due again.</summary>
    public static readonly TimeSpan OneInterval = TimeSpan.FromMinutes(11);

    private SharedSsm(OperatorHarness h, SsmFake fake)
    {
        H = h;
        Fake = fake;
    }

    public OperatorHarness H { get; }

    public SsmFake Fake { get; }

    /// <summary>GetParameters calls so far (failed ones included).</summary>
    public int Reads => Fake.CallCount("GetParameters");

    /// <summary>
    /// The operator (shared reads on or off) and an SSM integration that allows path references; integration re-checks
    /// are a day apart, so every GetParameters call in a test is a group's read.
    /// </summary>
    public static async Task<SharedSsm> StartAsync(bool sharedReads = true, Action<SecretStoreIntegration>? customize = null, string name = Integration, SsmFake? fake = null)
    {
        var h = await OperatorHarness.StartAsync(startOperator: false);
        h.Settings["SharedReads"] = sharedReads ? "true" : "false";
        h.Settings["IntegrationRecheckInterval"] = "24h";
        await h.StartOperatorAsync();
        fake ??= await SsmFake.StartAsync();
        var shared = new SharedSsm(h, fake);
        h.WriteMountedSecret("AWS_ACCESS_KEY_ID", SsmFake.DefaultAccessKeyId);
        h.WriteMountedSecret("AWS_SECRET_ACCESS_KEY", SsmFake.DefaultSecretAccessKey);
        await shared.CreateIntegrationAsync(name, fake, customize);
        await h.WaitForIntegrationAsync(name);
        return shared;
    }

    /// <summary>An SSM integration named <paramref name="name"/> on <paramref name="fake"/>, provider account <c>my-aws</c>.</summary>
    public Task<SecretStoreIntegration> CreateIntegrationAsync(string name, SsmFake fake, Action<SecretStoreIntegration>? customize = null) =>
        H.CreateIntegrationAsync(name, ssi =>
        {
            ssi.Spec.ProviderAccount = "my-aws";
            ssi.Spec.Kubernetes = null;
            ssi.Spec.Aws = new AwsStoreSpec
            {
                Region = "us-east-1",
                Endpoint = fake.Url,
                StsEndpoint = fake.Sts.Url,
                Auth = new AwsAuthSpec { AccessKeyId = "tfy-k8s-secret://AWS_ACCESS_KEY_ID", SecretAccessKey = "tfy-k8s-secret://AWS_SECRET_ACCESS_KEY" },
            };
            ssi.Spec.Access = new IntegrationAccessSpec { AllowPathReferences = true };
            customize?.Invoke(ssi);
        });

    /// <summary>Parameter names <c>/shared/KEY_01</c>… seeded with <paramref name="value"/> plus the key.</summary>
    public static IReadOnlyList<string> SeedShared(SsmFake fake, int count, string value = "v1-")
    {
        var keys = Enumerable.Range(1, count).Select(i => $"KEY_{i:D2}").ToList();
        keys.ForEach(k => fake.Seed($"/shared/{k}", value + k));
        return keys;
    }

    /// <summary>A group whose keys are path references to <c>/shared/&lt;key&gt;</c> through <paramref name="fqn"/>.</summary>
    public Task<SecretGroup> CreateGroupAsync(string ns, string name, IEnumerable<string> keys, string fqn = Fqn) =>
        H.CreateGroupAsync(ns, name, [], g =>
        {
            g.Spec.IntegrationFqn = fqn;
            g.Spec.RefreshInterval = Refresh;
            g.Spec.Secrets = keys.Select(k => new SecretKeySpec { Key = k, RemoteRef = $"{fqn}::/shared/{k}" }).ToList();
        });

    /// <summary>The managed Secret's value of <paramref name="key"/>, or null.</summary>
    public async Task<string?> ValueAsync(string ns, string name, string key) =>
        (await H.GetSecretAsync(ns, name)) is { Data: { } data } && data.TryGetValue(key, out var v) ? Encoding.UTF8.GetString(v) : null;

    /// <summary>Waits until every group has synced after <paramref name="after"/> (null: at all).</summary>
    public async Task WaitForSyncsAsync(IEnumerable<(string Ns, string Name)> groups, DateTime? after = null)
    {
        foreach (var (ns, name) in groups)
        {
            await H.WaitForGroupAsync(ns, name, "True", "Synced", g => after is null || g.Status?.LastSyncTime > after);
        }
    }

    /// <summary>Sets the group's force-sync annotation to <paramref name="value"/>.</summary>
    public Task ForceSyncAsync(string ns, string name, string value) =>
        H.UpdateAsync<SecretGroup>(new ObjectKey(ns, name), g => (g.Metadata.Annotations ??= new Dictionary<string, string>())[ManagedLabels.ForceSync] = value);

    public async ValueTask DisposeAsync()
    {
        await H.DisposeAsync();
        await Fake.DisposeAsync();
    }
}
