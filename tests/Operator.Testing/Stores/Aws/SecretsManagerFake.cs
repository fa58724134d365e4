using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;

namespace Operator.Testing.Stores.Aws;

/// <summary>
/// AWS Secrets Manager on 127.0.0.1, speaking the JSON 1.1 protocol (<c>X-Amz-Target: secretsmanager.&lt;Operation&gt;</c>):
/// BatchGetSecretValue, GetSecretValue, PutSecretValue, CreateSecret, DeleteSecret. Every request's SigV4 signature is
/// verified against the secret key of its access key id, as AWS does. Versions carry staging labels: a new version
/// takes AWSCURRENT and the one it replaces AWSPREVIOUS. Thread-safe.
/// </summary>
public sealed partial class SecretsManagerFake : IAsyncDisposable
{
    public const string DefaultAccessKeyId = "AKIAFAKESECRETSMGR01";
    public const string DefaultSecretAccessKey = "fake-secrets-manager-secret-key-0001";
    public const string Region = "us-east-1";
    public const string Account = "123456789012";

    /// <summary>SecretString and SecretBinary: "Maximum length of 65536" bytes (API reference, PutSecretValue and CreateSecret).</summary>
    public const int MaxSecretBytes = 65536;

    private readonly WebApplication app;
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private readonly Dictionary<string, FakeSecret> secrets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> keys = new(StringComparer.Ordinal) { [DefaultAccessKeyId] = DefaultSecretAccessKey };
    private readonly HashSet<string> denied = new(StringComparer.Ordinal);
    private readonly List<Call> calls = [];

    private SecretsManagerFake(WebApplication app, TimeProvider time)
    {
        this.app = app;
        this.time = time;
        Faults = new FakeFaults(time);
    }

    /// <summary>One API call as the fake answered it; <see cref="Ids"/> are the secret ids a BatchGetSecretValue asked for.</summary>
    public sealed record Call(string Operation, int Status, string? ErrorCode, IReadOnlyList<string> Ids);

    private sealed record FakeVersion(string Id, string? Text, byte[]? Binary, DateTimeOffset Created)
    {
        public List<string> Stages { get; } = [];
    }

    private sealed class FakeSecret(string name)
    {
        public string Name { get; } = name;

        public string Arn => $"arn:aws:secretsmanager:{Region}:{Account}:secret:{Name}-AbCdEf";

        public List<FakeVersion> Versions { get; } = [];

        public FakeVersion? ByStage(string stage) => Versions.Find(v => v.Stages.Contains(stage));
    }

    /// <summary>Latency, throttling (ThrottlingException 400), failures and outage, for calls past authentication.</summary>
    public FakeFaults Faults { get; }

    /// <summary>Base URL to put in <c>spec.aws.endpoint</c>.</summary>
    public string Url { get; private set; } = "";

    public IReadOnlyList<Call> Calls
    {
        get
        {
            lock (gate)
            {
                return [.. calls];
            }
        }
    }

    public static async Task<SecretsManagerFake> StartAsync(TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var app = LoopbackServer.Build();
        var fake = new SecretsManagerFake(app, time ?? TimeProvider.System);
        fake.Url = (await LoopbackServer.StartAsync(app, fake.ServeAsync, cancellationToken: cancellationToken).ConfigureAwait(false)).ToString().TrimEnd('/');
        return fake;
    }

    /// <summary>Calls answered for <paramref name="operation"/> (faults and refusals included).</summary>
    public int CallCount(string operation)
    {
        lock (gate)
        {
            return calls.Count(c => c.Operation == operation);
        }
    }

    public void ThrottleNext(int count) => Faults.ThrottleNext(count);

    /// <summary>The account's policy denies every action on <paramref name="name"/> (AccessDeniedException).</summary>
    public void Deny(string name)
    {
        lock (gate)
        {
            denied.Add(name);
        }
    }

    /// <summary>Writes a new AWSCURRENT version of a string secret (creating it), as another writer would; returns its version id.</summary>
    public string Seed(string name, string value) => Put(name, value, null);

    /// <summary>Writes a new AWSCURRENT version of a binary secret (SecretBinary).</summary>
    public string SeedBinary(string name, byte[] value) => Put(name, null, value);

    /// <summary>Moves a staging label (e.g. a custom one) to the version <paramref name="versionId"/>.</summary>
    public void Label(string name, string versionId, string stage)
    {
        lock (gate)
        {
            var secret = secrets[name];
            secret.Versions.ForEach(v => v.Stages.Remove(stage));
            secret.Versions.Single(v => v.Id == versionId).Stages.Add(stage);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    private string Put(string name, string? text, byte[]? binary)
    {
        lock (gate)
        {
            return Store(name, text, binary, Guid.NewGuid().ToString());
        }
    }

    // Called under the gate: the new version takes AWSCURRENT, the old current AWSPREVIOUS; a version left without
    // labels is deprecated, and Secrets Manager removes deprecated versions (the fake at once).
    private string Store(string name, string? text, byte[]? binary, string versionId)
    {
        if (!secrets.TryGetValue(name, out var secret))
        {
            secrets[name] = secret = new FakeSecret(name);
        }

        secret.Versions.ForEach(v => v.Stages.Remove("AWSPREVIOUS"));
        if (secret.ByStage("AWSCURRENT") is { } current)
        {
            current.Stages.Remove("AWSCURRENT");
            current.Stages.Add("AWSPREVIOUS");
        }

        var version = new FakeVersion(versionId, text, binary, time.GetUtcNow());
        version.Stages.Add("AWSCURRENT");
        secret.Versions.Add(version);
        secret.Versions.RemoveAll(v => v.Stages.Count == 0);
        return versionId;
    }

    private static JsonObject Entry(FakeSecret secret, FakeVersion version)
    {
        var entry = new JsonObject
        {
            ["ARN"] = secret.Arn,
            ["Name"] = secret.Name,
            ["VersionId"] = version.Id,
            ["VersionStages"] = new JsonArray([.. version.Stages.Select(s => (JsonNode?)JsonValue.Create(s))]),
            ["CreatedDate"] = version.Created.ToUnixTimeMilliseconds() / 1000.0,
        };
        if (version.Binary is { } bytes)
        {
            entry["SecretBinary"] = Convert.ToBase64String(bytes);
        }
        else
        {
            entry["SecretString"] = version.Text;
        }

        return entry;
    }
}
