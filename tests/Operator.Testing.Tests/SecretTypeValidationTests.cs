using System.Net;
using k8s;
using k8s.Models;

namespace Operator.Testing.Tests;

/// <summary>The emulator refuses what kube-apiserver's ValidateSecret refuses for the typed Secrets, naming the missing key.</summary>
public sealed class SecretTypeValidationTests
{
    [Theory]
    [InlineData("kubernetes.io/tls", "tls.crt", "data[tls.key]: Required value")]
    [InlineData("kubernetes.io/tls", "tls.key", "data[tls.crt]: Required value")]
    [InlineData("kubernetes.io/tls", "ca.crt", "[data[tls.crt]: Required value, data[tls.key]: Required value]")]
    [InlineData("kubernetes.io/dockerconfigjson", "config.json", "data[.dockerconfigjson]: Required value")]
    [InlineData("kubernetes.io/basic-auth", "user", "[data[username]: Required value, data[password]: Required value]")]
    [InlineData("kubernetes.io/ssh-auth", "id_rsa", "data[ssh-privatekey]: Required value")]
    public async Task TypedSecret_WithoutTheKeysItsTypeRequires_Is422NamingThem(string type, string key, string message)
    {
        await using var kube = await TestKube.StartAsync();
        var secret = new V1Secret { Metadata = new V1ObjectMeta { Name = "typed" }, Type = type, StringData = new Dictionary<string, string> { [key] = "x" } };

        var error = await TestKube.ExpectStatusAsync(HttpStatusCode.UnprocessableEntity,
            () => kube.Client.CoreV1.CreateNamespacedSecretAsync(secret, kube.Namespace, cancellationToken: TestKube.Ct));
        Assert.Equal($"Secret \"typed\" is invalid: {message}", (string?)System.Text.Json.Nodes.JsonNode.Parse(error.Response.Content)!["message"]);
    }

    [Fact]
    public async Task DockerConfigJson_ThatIsNotAJsonObject_IsRefused_WithoutEchoingTheValue()
    {
        await using var kube = await TestKube.StartAsync();
        var secret = new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "pull" },
            Type = "kubernetes.io/dockerconfigjson",
            StringData = new Dictionary<string, string> { [".dockerconfigjson"] = "canary-not-json" },
        };

        var error = await TestKube.ExpectStatusAsync(HttpStatusCode.UnprocessableEntity,
            () => kube.Client.CoreV1.CreateNamespacedSecretAsync(secret, kube.Namespace, cancellationToken: TestKube.Ct));
        Assert.Equal("Secret \"pull\" is invalid: data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": not a JSON object",
            (string?)System.Text.Json.Nodes.JsonNode.Parse(error.Response.Content)!["message"]);
        Assert.DoesNotContain("canary", error.Response.Content, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kubernetes.io/tls", "tls.crt", "tls.key")]
    [InlineData("kubernetes.io/basic-auth", "password", null)]
    [InlineData("kubernetes.io/basic-auth", "username", null)]
    [InlineData("example.com/custom", "anything", null)]
    public async Task TypedSecret_WithTheKeysItsTypeRequires_IsAccepted(string type, string key, string? other)
    {
        await using var kube = await TestKube.StartAsync();
        var data = new Dictionary<string, string> { [key] = "x" };
        if (other is not null)
        {
            data[other] = "y";
        }

        var created = await kube.Client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = "typed" }, Type = type, StringData = data }, kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.Equal(type, created.Type);
    }
}
