using System.Net;
using System.Net.Http.Headers;

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
        foreach (var variable in new[] { "ADMIN_TOKEN", "EDITOR_TOKEN", "VIEWER_TOKEN" })
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

        // ... and with the REST API: the admin and the viewer see the sample group; a stranger's token is refused.
        Assert.Contains("openai-keys", await ApiGetAsync(http, env, env["ADMIN_TOKEN"], HttpStatusCode.OK), StringComparison.Ordinal);
        Assert.Contains("openai-keys", await ApiGetAsync(http, env, env["VIEWER_TOKEN"], HttpStatusCode.OK), StringComparison.Ordinal);
        await ApiGetAsync(http, env, "not-a-playground-token", HttpStatusCode.Unauthorized);

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

    private static async Task<string> CanIAsync(Kubectl kubectl, string token, string verb, string resource) =>
        (await kubectl.TryAsync("--token", token, "auth", "can-i", verb, resource, "-n", "team-a")).Stdout.Trim();

    private static async Task<string> ApiGetAsync(HttpClient http, IReadOnlyDictionary<string, string> env, string token, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{env["API_URL"]}/v1/secret-groups"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(expected == response.StatusCode, $"GET /v1/secret-groups: {(int)response.StatusCode} {body}");
        return body;
    }
}
