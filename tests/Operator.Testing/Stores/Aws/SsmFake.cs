using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Operator.Testing.Stores.Aws;

/// <summary>
/// AWS SSM Parameter Store on 127.0.0.1, speaking the JSON 1.1 protocol the AWS SDK uses; STS is its own fake on its
/// own endpoint (<see cref="Sts"/>), as in AWS. Signatures are not verified; the access key id in the Authorization
/// header is checked against the allowed set. SecureStrings come back encrypted unless the call asks WithDecryption.
/// Thread-safe.
/// </summary>
public sealed partial class SsmFake : IAsyncDisposable
{
    /// <summary>The access key id allowed from the start.</summary>
    public const string DefaultAccessKeyId = "AKIAFAKESSM000000001";

    public const string DefaultSecretAccessKey = "fake-secret-access-key-not-checked";

    public const string Region = "us-east-1";
    public const string Account = "123456789012";

    private readonly WebApplication app;
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private readonly Dictionary<string, Parameter> parameters = new(StringComparer.Ordinal);

    // Every kept version by name, oldest first: "Parameter Store keeps up to 100 versions; when you create the 101st,
    // the oldest is deleted" (unless it has a label, which the fake does not model: labelled versions are trimmed too).
    private readonly Dictionary<string, List<Parameter>> history = new(StringComparer.Ordinal);

    // Labels by (name, label): "You can't attach the same label to different versions of the same parameter" and "You
    // can move a label from one version of a parameter to another".
    private readonly Dictionary<(string Name, string Label), long> labels = [];
    private readonly HashSet<string> allowedKeys = new(StringComparer.Ordinal) { DefaultAccessKeyId };
    private readonly Dictionary<string, string> sessionTokens = new(StringComparer.Ordinal);
    private readonly List<Call> calls = [];
    private readonly List<string> deniedPrefixes = [];
    private readonly List<string> allowedResources = [];
    private string failErrorCode = "InternalServerError";
    private int requestIds;

    private SsmFake(WebApplication app, TimeProvider time)
    {
        this.app = app;
        this.time = time;
        Faults = new FakeFaults(time);
    }

    /// <summary>One API call as the fake saw it.</summary>
    public sealed record Call(string Operation, DateTimeOffset At, string? AccessKeyId, int Status);

    /// <summary>Versions of one parameter Parameter Store keeps.</summary>
    public const int MaxVersions = 100;

    private sealed record Parameter(string Name, string Value, long Version, string Type, string? KeyId, DateTimeOffset Modified);

    /// <summary>Latency, throttling (answered ThrottlingException 400), failures and outage, for calls past authentication.</summary>
    public FakeFaults Faults { get; }

    /// <summary>Base URL to put in <c>spec.aws.endpoint</c>.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The account's STS, on its own endpoint; its temporary keys work here.</summary>
    public StsFake Sts { get; private set; } = null!;

    public static async Task<SsmFake> StartAsync(TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var app = LoopbackServer.Build();
        var fake = new SsmFake(app, time ?? TimeProvider.System);
        fake.Url = (await LoopbackServer.StartAsync(app, fake.ServeAsync, cancellationToken: cancellationToken).ConfigureAwait(false)).ToString().TrimEnd('/');
        fake.Sts = await StsFake.StartAsync(fake, fake.time, cancellationToken).ConfigureAwait(false);
        return fake;
    }

    /// <summary>Whether the account accepts this access key (with its session token, when it has one).</summary>
    internal bool Accepts(string? accessKeyId, string sessionToken)
    {
        lock (gate)
        {
            return accessKeyId is not null && allowedKeys.Contains(accessKeyId) && (!sessionTokens.TryGetValue(accessKeyId, out var expected) || expected == sessionToken);
        }
    }

    /// <summary>Puts a value as another writer would (a new version when it exists).</summary>
    public long Seed(string name, string value)
    {
        lock (gate)
        {
            return Store(name, value, "SecureString", null);
        }
    }

    /// <summary>Attaches <paramref name="label"/> to a kept version (moving it from another), as LabelParameterVersion does.</summary>
    public void Label(string name, long version, string label)
    {
        lock (gate)
        {
            if (!history.TryGetValue(name, out var versions) || !versions.Exists(v => v.Version == version))
            {
                throw new InvalidOperationException($"{name} has no version {version}");
            }

            labels[(name, label)] = version;
        }
    }

    /// <summary>Current values by name.</summary>
    public IReadOnlyDictionary<string, string> Values
    {
        get
        {
            lock (gate)
            {
                return parameters.ToDictionary(p => p.Key, p => p.Value.Value, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>The version of a parameter, or null when absent.</summary>
    public long? VersionOf(string name)
    {
        lock (gate)
        {
            return parameters.TryGetValue(name, out var p) ? p.Version : null;
        }
    }

    /// <summary>The KMS key id a parameter was last written with.</summary>
    public string? KeyIdOf(string name)
    {
        lock (gate)
        {
            return parameters.TryGetValue(name, out var p) ? p.KeyId : null;
        }
    }

    /// <summary>Calls of one operation (e.g. <c>GetParameters</c>, <c>AssumeRole</c>), failed ones included.</summary>
    public int CallCount(string operation) => Faults.CallCount(operation);

    /// <summary>All calls of every operation.</summary>
    public int TotalCalls
    {
        get
        {
            lock (gate)
            {
                return calls.Count;
            }
        }
    }

    /// <summary>Every call so far, in arrival order.</summary>
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

    /// <summary>Accepts calls signed with <paramref name="accessKeyId"/>; with a session token, only when it is sent too.</summary>
    public void AllowAccessKey(string accessKeyId, string? sessionToken = null)
    {
        lock (gate)
        {
            allowedKeys.Add(accessKeyId);
            if (sessionToken is not null)
            {
                sessionTokens[accessKeyId] = sessionToken;
            }
        }
    }

    public void RevokeAccessKey(string accessKeyId)
    {
        lock (gate)
        {
            allowedKeys.Remove(accessKeyId);
        }
    }

    /// <summary>
    /// An IAM policy that allows only resources matching <paramref name="pattern"/> (<c>*</c> matches anything, as in an
    /// ARN): a parameter name for GetParameter(s), PutParameter and DeleteParameter, the path itself for
    /// GetParametersByPath (its resource is <c>parameter/&lt;path&gt;</c>, so <c>/p/*</c> does not allow <c>/p</c>).
    /// </summary>
    public void AllowOnly(string pattern)
    {
        lock (gate)
        {
            allowedResources.Add(pattern);
        }
    }

    /// <summary>Names starting with <paramref name="prefix"/> are refused with AccessDeniedException.</summary>
    public void DenyPrefix(string prefix)
    {
        lock (gate)
        {
            deniedPrefixes.Add(prefix);
        }
    }

    /// <summary>Delays calls (of one operation, or all) before answering: <see cref="FakeFaults.AddLatency"/>.</summary>
    public void AddLatency(TimeSpan latency, string? operation = null) => Faults.AddLatency(latency, operation);

    /// <summary>Answers the next <paramref name="calls"/> calls with ThrottlingException (400).</summary>
    public void ThrottleNext(int calls) => Faults.ThrottleNext(calls);

    /// <summary>Calls beyond <paramref name="tps"/> (a token bucket on the fake's clock) get ThrottlingException: <see cref="FakeFaults.ThrottleAtTps"/>.</summary>
    public void ThrottleAtTps(double tps) => Faults.ThrottleAtTps(tps);

    /// <summary>Fails a seeded-random share of calls with <paramref name="errorCode"/> and <paramref name="status"/>.</summary>
    public void FailShare(double share, int status = 500, string errorCode = "InternalServerError", int seed = 1)
    {
        lock (gate)
        {
            failErrorCode = errorCode;
        }

        Faults.FailShare(share, status, seed);
    }

    /// <summary>Removes every injected fault (throttles, failures, latency, outage, denials).</summary>
    public void ClearFaults()
    {
        lock (gate)
        {
            deniedPrefixes.Clear();
            allowedResources.Clear();
            failErrorCode = "InternalServerError";
        }

        Faults.Clear();
    }

    private long Store(string name, string value, string type, string? keyId)
    {
        var version = parameters.TryGetValue(name, out var old) ? old.Version + 1 : 1;
        var parameter = new Parameter(name, value, version, type, keyId, time.GetUtcNow());
        parameters[name] = parameter;
        if (!history.TryGetValue(name, out var versions))
        {
            history[name] = versions = [];
        }

        versions.Add(parameter);
        if (versions.Count > MaxVersions)
        {
            versions.RemoveAt(0);
        }

        return version;
    }

    private string NextRequestId()
    {
        var n = Interlocked.Increment(ref requestIds);
        return $"00000000-0000-4000-8000-{n.ToString("D12", CultureInfo.InvariantCulture)}";
    }

    // Under the lock: the wire form of an injected fault for this call, if one answers it.
    private (int Status, string Code, string Message)? InjectedFault(string operation) => Faults.Decide(operation) switch
    {
        FakeFault.Throttled => (400, "ThrottlingException", "Rate exceeded"),
        FakeFault.Failed => (Faults.FailStatus ?? 500, failErrorCode, "injected failure"),
        _ => null,
    };

    private bool Denied(string name) =>
        deniedPrefixes.Exists(p => name.StartsWith(p, StringComparison.Ordinal))
        || (allowedResources.Count > 0 && !allowedResources.Exists(p => System.Text.RegularExpressions.Regex.IsMatch(name, "^" + System.Text.RegularExpressions.Regex.Escape(p).Replace("\\*", ".*", StringComparison.Ordinal) + "$")));

    internal static string? AccessKeyOf(HttpRequest request)
    {
        var auth = request.Headers.Authorization.ToString();
        var at = auth.IndexOf("Credential=", StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var start = at + "Credential=".Length;
        var end = auth.IndexOf('/', start);
        return end < 0 ? null : auth[start..end];
    }

    private static JsonObject ToJson(Parameter p, bool decrypted)
    {
        var o = new JsonObject
        {
            ["Name"] = p.Name,
            ["Type"] = p.Type,
            ["Version"] = p.Version,
            ["LastModifiedDate"] = p.Modified.ToUnixTimeMilliseconds() / 1000.0,
            ["ARN"] = $"arn:aws:ssm:{Region}:{Account}:parameter/{p.Name.TrimStart('/')}",
            ["DataType"] = "text",
        };
        o["Value"] = p.Type != "SecureString" || decrypted ? p.Value : Ciphertext(p);
        return o;
    }

    // Stands in for the KMS blob SSM returns for an undecrypted SecureString: base64, and not the value.
    private static string Ciphertext(Parameter p) =>
        "AQICAHj" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{p.Name}\0{p.Version}\0{p.Value}")));

    public async ValueTask DisposeAsync()
    {
        await Sts.DisposeAsync().ConfigureAwait(false);
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }
}
