using k8s.Exceptions;
using k8s.KubeConfigModels;
using Microsoft.Extensions.Time.Testing;
using Operator.Hosting;

namespace Operator.Tests.Hosting;

/// <summary>The operator's exec credential plugin runner: what it reads from a plugin, what it refuses, when it runs it again.</summary>
public sealed class ExecCredentialPluginTests : IDisposable
{
    private const string V1 = "client.authentication.k8s.io/v1";
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("exec-plugin-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public void Parse_ReadsTheTokenAndItsExpiry()
    {
        var credential = ExecCredentialPlugin.Parse(
            $$$"""{"apiVersion":"{{{V1}}}","kind":"ExecCredential","status":{"token":"tok-1","expirationTimestamp":"2030-01-02T03:04:05Z"}}""", V1, "plugin");

        Assert.Equal("tok-1", credential.Token);
        Assert.Equal(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero), credential.Expires);
    }

    [Theory]
    [InlineData("not json SECRET-OUTPUT")]
    [InlineData("""{"apiVersion":"client.authentication.k8s.io/v1beta1","status":{"token":"SECRET-OUTPUT"}}""")]
    [InlineData("""{"apiVersion":"client.authentication.k8s.io/v1","status":{"clientCertificateData":"SECRET-OUTPUT"}}""")]
    public void Parse_RefusesWhatIsNoUsableExecCredential_WithoutEchoingIt(string stdout)
    {
        var e = Assert.Throws<KubeConfigException>(() => ExecCredentialPlugin.Parse(stdout, V1, "exec credential plugin 'p'"));

        Assert.StartsWith("exec credential plugin 'p'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET-OUTPUT", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_RunsThePlugin_PutsItsTokenInTheUser_AndRunsItAgainOnlyAfterExpiry()
    {
        var runs = Path.Combine(dir.FullName, "runs");
        var plugin = Script("plugin.sh", $$$"""
            #!/bin/sh
            echo "$1 $KUBERNETES_EXEC_INFO $FOO" >> '{{{runs}}}'
            echo '{"apiVersion":"{{{V1}}}","kind":"ExecCredential","status":{"token":"tok","expirationTimestamp":"2030-01-01T01:00:00Z"}}'
            """);
        var config = Config(new ExternalExecution { ApiVersion = V1, Command = plugin, Arguments = ["two words"], EnvironmentVariables = [new() { ["name"] = "FOO", ["value"] = "bar" }] });
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

        using var provider = ExecCredentialPlugin.Apply(config, time);

        var user = config.Users.Single().UserCredentials;
        Assert.NotNull(provider);
        Assert.Null(user.ExternalExecution);
        Assert.Equal("tok", user.Token);
        Assert.Equal("""two words {"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":false}} bar""", Assert.Single(File.ReadAllLines(runs)));
        Assert.Equal("Bearer tok", (await provider.GetAuthenticationHeaderAsync(CancellationToken.None)).ToString());
        Assert.Single(File.ReadAllLines(runs));

        time.Advance(TimeSpan.FromMinutes(59.8)); // within the skew before expiry
        await provider.GetAuthenticationHeaderAsync(CancellationToken.None);
        Assert.Equal(2, File.ReadAllLines(runs).Length);
    }

    [Fact]
    public void Run_AFailingPlugin_NamesTheCommandAndExitCode_NotItsOutput()
    {
        var plugin = Script("failing.sh", """
            #!/bin/sh
            echo 'SECRET-OUTPUT'
            echo 'SECRET-ERROR' >&2
            exit 3
            """);

        var e = Assert.Throws<KubeConfigException>(() => ExecCredentialPlugin.Run(new ExternalExecution { ApiVersion = V1, Command = plugin, InstallHint = "install it" }));

        Assert.Contains("exited with code 3; install it", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", e.Message, StringComparison.Ordinal);
    }

    private string Script(string name, string text)
    {
        var path = Path.Combine(dir.FullName, name);
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static K8SConfiguration Config(ExternalExecution exec) => new()
    {
        CurrentContext = "c",
        Contexts = [new Context { Name = "c", ContextDetails = new ContextDetails { Cluster = "k", User = "u" } }],
        Clusters = [new Cluster { Name = "k", ClusterEndpoint = new ClusterEndpoint { Server = "https://127.0.0.1:6443" } }],
        Users = [new User { Name = "u", UserCredentials = new UserCredentials { ExternalExecution = exec } }],
    };
}
