using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Operator.RestApi;
using Operator.Testing;

namespace Operator.IntegrationTests.Api;

/// <summary>
/// Runs every curl command of src/Operator/RestApi/README.md, as written, with the real curl against the API over TLS
/// (on the integration the README names, declared by the store's folder: Stores/Aws/SsmApiTests), in order, and checks each answer against
/// the <c># → status output</c> line under it (<c>…</c> stands for what changes from run to run). The test binds what the
/// README's set-up lines make: <c>$API</c>, <c>ca.crt</c>, <c>$TOKEN</c> (a tenant admin's token for the API's audience);
/// <c>$ID</c> and <c>$VERSION</c> are the id and latest resourceVersion of the group the answers show. Its kubectl lines
/// are run by the first-contact doc tests.
/// </summary>
internal static class ReadmeCurl
{
    /// <summary>The README's curl block (its curl commands name this integration).</summary>
    public static CurlExamples Examples() => CurlExamples.Parse(File.ReadAllText(RepositoryFiles.Path("src/Operator/RestApi/README.md")));

    /// <summary>Skips the test where curl is not installed.</summary>
    public static void RequireCurl()
    {
        if (!OnPath("curl"))
        {
            Assert.Skip("curl is not installed; the README's curl examples are run where it is.");
        }
    }

    /// <summary>Runs every example on <paramref name="store"/> (started with the real clock: curl checks the certificate's dates).</summary>
    public static async Task EveryCurlExample_RunsAsWritten_AndAnswersWhatTheReadmeShowsAsync(StoreUnderTest store)
    {
        var examples = Examples();
        var f = store.Fixture;
        var dir = Directory.CreateTempSubdirectory("readme-curl-");
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(dir.FullName, "ca.crt"), f.Ca!);
            var env = new Dictionary<string, string>
            {
                ["API"] = f.Http.BaseAddress!.ToString().TrimEnd('/'),
                ["TOKEN"] = await ApiCallers.TokenAsync(f.H.Client, "platform", "ci-bot"),
                ["ID"] = "",
                ["VERSION"] = "",
            };

            // Every route is shown by at least one example.
            var routes = ApiRoutes.For(f.H.Host!.Services.GetRequiredService<SecretGroupService>(), f.H.Host.Services.GetRequiredService<SecretService>());
            var shown = new HashSet<ApiRoute>();
            foreach (var example in examples.Commands)
            {
                var (status, output) = await RunAsync(dir.FullName, examples.Prelude, example.Command, env);
                Assert.True(example.Matches(status, output), $"{example.Command}\nexpected: {example.Expected}\ngot: {status} {output}");
                if (output.StartsWith('{') && JsonNode.Parse(output) is JsonObject answer && answer["resourceVersion"] is not null)
                {
                    env["ID"] = (string)answer["id"]!;
                    env["VERSION"] = (string)answer["resourceVersion"]!;
                }

                var (method, path) = example.Request(env);
                shown.UnionWith(routes.Where(r => r.Method == method && r.Matches(new PathString(path))));
            }

            Assert.Equal(routes.Select(r => $"{r.Method} {r.Pattern}").Order(StringComparer.Ordinal), shown.Select(r => $"{r.Method} {r.Pattern}").Order(StringComparer.Ordinal));
            Assert.Contains(examples.Commands, c => c.Request(env).Path == ApiRoutes.OpenApi);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Runs one command in bash, curl answering its body then the status on a last line.</summary>
    private static async Task<(int Status, string Output)> RunAsync(string dir, IReadOnlyList<string> prelude, string command, Dictionary<string, string> env)
    {
        var info = new ProcessStartInfo("bash") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var (name, value) in env)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var script = string.Join('\n', ["set -eu", "curl() { command curl -sS -w '\\n%{http_code}' \"$@\"; }", .. prelude, command]);
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        var text = (await stdout).TrimEnd('\n');
        Assert.True(process.ExitCode == 0, $"{command}\nexit {process.ExitCode}: {await stderr}");
        var last = text.LastIndexOf('\n');
        return (int.Parse(text[(last + 1)..], System.Globalization.CultureInfo.InvariantCulture), last < 0 ? "" : text[..last]);
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, tool)));
}
