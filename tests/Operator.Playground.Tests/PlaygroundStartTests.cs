using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Operator.Playground.Tests;

/// <summary>
/// The playground as a new user meets it (issue 18, Must show 3): the operator flags they pass reach the operator; the
/// banner prints working tokens for an admin, an editor and a viewer, working URLs and how to stop; a healthy start
/// logs no Warning; Ctrl-C (SIGTERM) stops it cleanly.
/// </summary>
public sealed class PlaygroundStartTests
{
    // Bound for a hung stop, not a timing claim: stopping is closing a few listeners and informers.
    private static readonly TimeSpan HungStop = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Banner_PrintsTokensAndUrlsThatWork_OperatorFlagsPassThrough_AndAHealthyStartLogsNoWarning()
    {
        Kubectl.RequireInstalled();
        await using var playground = await RunningPlayground.StartAsync(SharedPlayground.Args("--log-format=json", "--webhook-enabled"));
        var output = playground.Output();
        var env = playground.Environment();

        // The banner: where everything answers, the users with their tokens, how to stop.
        Assert.Contains(output, l => l.StartsWith("The playground is ready.", StringComparison.Ordinal));
        Assert.Contains(output, l => l.StartsWith("Stop with Ctrl-C", StringComparison.Ordinal));
        foreach (var variable in new[] { "ADMIN_TOKEN", "EDITOR_TOKEN", "VIEWER_TOKEN", "ADMIN_API_KEY", "EDITOR_API_KEY", "VIEWER_API_KEY" })
        {
            Assert.Contains(output, l => l.Contains($"{variable}={env[variable]}", StringComparison.Ordinal));
        }

        Assert.Contains(output, l => l.Contains("SecretGroup team-a/openai-keys: Ready", StringComparison.Ordinal));

        // --log-format=json reached the operator: its log lines are JSON objects; none is a Warning or worse.
        var logs = output.Where(l => l.StartsWith("{\"", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(logs);
        var warnings = logs.Where(l => l.Contains("\"LogLevel\":\"Warning\"", StringComparison.Ordinal) || l.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal) || l.Contains("\"LogLevel\":\"Critical\"", StringComparison.Ordinal));
        Assert.True(!warnings.Any(), string.Join('\n', warnings));

        // --webhook-enabled reached the operator: it registered its webhook configuration.
        var kubectl = new Kubectl(playground);
        Assert.Contains("secretgroup-operator", await kubectl.RunAsync("get", "mutatingwebhookconfigurations", "-o", "name"), StringComparison.Ordinal);

        // The printed URLs answer.
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(env["HEALTH_URL"]), TestContext.Current.CancellationToken)).StatusCode);
        Assert.Contains("# TYPE", await http.GetStringAsync(new Uri(env["METRICS_URL"]), TestContext.Current.CancellationToken), StringComparison.Ordinal);

        // The tokens work with kubectl --token: the editor reads the sample group and its Secret, the viewer only the group.
        Assert.Equal("yes", await CanIAsync(kubectl, env["EDITOR_TOKEN"], "get", "secret/openai-keys"));
        Assert.Equal("no", await CanIAsync(kubectl, env["EDITOR_TOKEN"], "list", "secrets"));
        Assert.Equal("yes", await CanIAsync(kubectl, env["VIEWER_TOKEN"], "get", "secretgroup/openai-keys"));
        Assert.Equal("no", await CanIAsync(kubectl, env["VIEWER_TOKEN"], "get", "secret/openai-keys"));
        Assert.Equal("yes", (await kubectl.TryAsync("--token", env["ADMIN_TOKEN"], "auth", "can-i", "*", "*")).Stdout.Trim());
        Assert.Contains("editor", await kubectl.RunAsync("--token", env["EDITOR_TOKEN"], "auth", "whoami"), StringComparison.Ordinal);

        // ... and with the REST API over TLS, trusting only the CA the playground wrote: the admin and the viewer see the
        // sample group; a stranger's token is refused.
        Assert.StartsWith("https://", env["API_URL"], StringComparison.Ordinal);
        using var api = TrustingOnly(env["API_CA"]);
        Assert.Contains("openai-keys", await ApiGetAsync(api, env, env["ADMIN_API_KEY"], HttpStatusCode.OK), StringComparison.Ordinal);
        Assert.Contains("openai-keys", await ApiGetAsync(api, env, env["VIEWER_API_KEY"], HttpStatusCode.OK), StringComparison.Ordinal);
        await ApiGetAsync(api, env, "not-a-playground-key", HttpStatusCode.Unauthorized);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri(env["API_URL"] + "/openapi.json"), TestContext.Current.CancellationToken));

        // The banner's "Try" commands work as printed, in a shell that sourced playground.env.
        var tries = output.SkipWhile(l => !l.StartsWith("Try, in another terminal:", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
        Assert.Contains(tries, t => t.StartsWith("curl --cacert $API_CA ", StringComparison.Ordinal));
        var runs = await DocShell.RunAsync(playground, [], tries);
        Assert.All(runs, r => Assert.True(r.ExitCode == 0, $"{r.Command}: exit {r.ExitCode}\n{r.Output}"));
        Assert.Contains("\"openai-keys\"", runs.Single(r => r.Command.StartsWith("curl ", StringComparison.Ordinal)).Output, StringComparison.Ordinal);

        Assert.True(playground.Stop(HungStop), "the playground did not stop on SIGTERM");
        Assert.Equal(0, playground.ExitCode);
        Assert.Contains(playground.Output(), l => l.StartsWith("playground: stopping", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFlagTheOperatorRefuses_EndsThePlaygroundWithTheOperatorsOneLine()
    {
        await using var playground = await RunningPlayground.StartAsync(SharedPlayground.Args("--workers=0"), waitReady: false);
        await playground.WaitForAsync(l => l.StartsWith("playground: ", StringComparison.Ordinal));
        Assert.True(playground.Stop(HungStop));
        Assert.Contains(playground.Output(), l => l.StartsWith("playground: ", StringComparison.Ordinal) && l.Contains("orkers", StringComparison.Ordinal));
        Assert.DoesNotContain(playground.Output(), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    /// <summary>An HTTP client that trusts exactly the CA in <paramref name="caFile"/>, as <c>curl --cacert</c> does.</summary>
    private static HttpClient TrustingOnly(string caFile)
    {
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caFile));
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, errors) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None && certificate is not null && chain.Build(certificate);
            },
        };
        return new HttpClient(handler, disposeHandler: true);
    }

    private static async Task<string> CanIAsync(Kubectl kubectl, string token, string verb, string resource) =>
        (await kubectl.TryAsync("--token", token, "auth", "can-i", verb, resource, "-n", "team-a")).Stdout.Trim();

    private static async Task<string> ApiGetAsync(HttpClient http, IReadOnlyDictionary<string, string> env, string apiKey, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{env["API_URL"]}/v1/secret-groups"));
        request.Headers.Add("X-Api-Key", apiKey);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(expected == response.StatusCode, $"GET /v1/secret-groups: {(int)response.StatusCode} {body}");
        return body;
    }
}
