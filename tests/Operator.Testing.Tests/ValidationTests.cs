using System.Net;
using System.Text;
using k8s;
using k8s.Models;

namespace Operator.Testing.Tests;

public sealed class ValidationTests
{
    [Fact]
    public async Task Secret_Over1MiB_IsRefused422()
    {
        await using var kube = await TestKube.StartAsync();
        var secret = new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "huge" },
            Data = new Dictionary<string, byte[]> { ["a"] = new byte[600_000], ["b"] = new byte[500_000] },
        };

        var error = await TestKube.ExpectStatusAsync(HttpStatusCode.UnprocessableEntity,
            () => kube.Client.CoreV1.CreateNamespacedSecretAsync(secret, kube.Namespace, cancellationToken: TestKube.Ct));
        Assert.Contains("data: Too long: must have at most 1048576 bytes", error.Response.Content);
    }

    // apimachinery validation.IsConfigMapKey, which core validation applies to every Secret data key.
    [Theory]
    [InlineData("..data", "must not start with '..'")]
    [InlineData("..", "must not be '..'")]
    [InlineData(".", "must not be '.'")]
    [InlineData("a b", "a valid config key must consist of alphanumeric characters")]
    public async Task SecretKey_FollowsIsConfigMapKey(string key, string message)
    {
        await using var kube = await TestKube.StartAsync();
        var secret = new V1Secret { Metadata = new V1ObjectMeta { Name = "keys" }, Data = new Dictionary<string, byte[]> { [key] = [1] } };

        var error = await TestKube.ExpectStatusAsync(HttpStatusCode.UnprocessableEntity,
            () => kube.Client.CoreV1.CreateNamespacedSecretAsync(secret, kube.Namespace, cancellationToken: TestKube.Ct));
        Assert.Contains(message, error.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretKey_OfAt253Characters_AndOneDotPrefix_IsAccepted_254IsNot()
    {
        await using var kube = await TestKube.StartAsync();
        var ok = new V1Secret { Metadata = new V1ObjectMeta { Name = "ok" }, Data = new Dictionary<string, byte[]> { [new string('k', 253)] = [1], [".env"] = [1] } };
        await kube.Client.CoreV1.CreateNamespacedSecretAsync(ok, kube.Namespace, cancellationToken: TestKube.Ct);

        var tooLong = new V1Secret { Metadata = new V1ObjectMeta { Name = "long" }, Data = new Dictionary<string, byte[]> { [new string('k', 254)] = [1] } };
        var error = await TestKube.ExpectStatusAsync(HttpStatusCode.UnprocessableEntity,
            () => kube.Client.CoreV1.CreateNamespacedSecretAsync(tooLong, kube.Namespace, cancellationToken: TestKube.Ct));
        Assert.Contains("must be no more than 253 characters", error.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secret_ExactlyAt1MiB_IsAccepted()
    {
        await using var kube = await TestKube.StartAsync();
        var secret = new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "full" },
            Data = new Dictionary<string, byte[]> { ["a"] = new byte[1_048_570] },
            StringData = new Dictionary<string, string> { ["b"] = "123456" },
        };

        var created = await kube.Client.CoreV1.CreateNamespacedSecretAsync(secret, kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.Equal(2, created.Data.Count);
    }

    [Fact]
    public async Task Secret_StringData_IsFoldedIntoData()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.Client.CoreV1.CreateNamespacedSecretAsync(
            TestKube.Secret("folded", stringData: new Dictionary<string, string> { ["password"] = "hunter2" }), kube.Namespace, cancellationToken: TestKube.Ct);

        var read = await kube.Client.CoreV1.ReadNamespacedSecretAsync("folded", kube.Namespace, cancellationToken: TestKube.Ct);

        Assert.Null(read.StringData);
        Assert.Equal("hunter2", Encoding.UTF8.GetString(read.Data["password"]));
    }

    [Theory]
    [InlineData("Upper")]
    [InlineData("under_score")]
    [InlineData("-leading")]
    [InlineData("trailing-")]
    public async Task InvalidObjectName_Is422NamingTheField(string name)
    {
        await using var kube = await TestKube.StartAsync();
        var error = await TestKube.ExpectStatusAsync(HttpStatusCode.UnprocessableEntity, () => kube.CreateSecretAsync(name));
        var message = (string?)System.Text.Json.Nodes.JsonNode.Parse(error.Response.Content)!["message"];
        Assert.StartsWith($"Secret \"{name}\" is invalid: metadata.name: Invalid value: \"{name}\": a lowercase RFC 1123 subdomain", message);
        Assert.Contains("\"field\":\"metadata.name\"", error.Response.Content);
    }

    [Fact]
    public async Task NamespaceName_MustBeADnsLabel_WhileOtherNamesMayHaveDots()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateSecretAsync("dotted.name");
        await TestKube.ExpectStatusAsync(HttpStatusCode.UnprocessableEntity,
            () => kube.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "dotted.ns" } }, cancellationToken: TestKube.Ct));
    }

    [Fact]
    public async Task Secret_TypeDefaultsToOpaque_AndIsImmutable()
    {
        await using var kube = await TestKube.StartAsync();
        var secret = await kube.CreateSecretAsync("typed");
        Assert.Equal("Opaque", secret.Type);

        // A type that needs no keys, so the refusal is the type's immutability alone (basic-auth would also need username or password).
        secret.Type = "example.com/custom";
        var error = await TestKube.ExpectStatusAsync(HttpStatusCode.UnprocessableEntity,
            () => kube.Client.CoreV1.ReplaceNamespacedSecretAsync(secret, "typed", kube.Namespace, cancellationToken: TestKube.Ct));
        Assert.Contains("type: Invalid value", error.Response.Content);
    }

    [Fact]
    public async Task ImmutableSecret_RefusesDataChanges()
    {
        await using var kube = await TestKube.StartAsync();
        var secret = TestKube.Secret("frozen");
        secret.Immutable = true;
        var created = await kube.Client.CoreV1.CreateNamespacedSecretAsync(secret, kube.Namespace, cancellationToken: TestKube.Ct);

        created.Data["key"] = [1];
        await TestKube.ExpectStatusAsync(HttpStatusCode.UnprocessableEntity,
            () => kube.Client.CoreV1.ReplaceNamespacedSecretAsync(created, "frozen", kube.Namespace, cancellationToken: TestKube.Ct));
    }

    [Theory]
    [InlineData("app", "has space")]
    [InlineData("app", "a-value-that-is-far-too-long-for-a-label-because-labels-stop-at-63")]
    [InlineData("bad key!", "x")]
    public async Task InvalidLabel_Is422(string key, string value)
    {
        await using var kube = await TestKube.StartAsync();
        var error = await TestKube.ExpectStatusAsync(HttpStatusCode.UnprocessableEntity,
            () => kube.CreateSecretAsync("labelled", new Dictionary<string, string> { [key] = value }));
        Assert.Contains("metadata.labels: Invalid value", error.Response.Content);
    }

    [Fact]
    public async Task EventsV1_WithoutReportingController_Is422()
    {
        await using var kube = await TestKube.StartAsync();
        var error = await TestKube.ExpectStatusAsync(HttpStatusCode.UnprocessableEntity,
            () => kube.Client.EventsV1.CreateNamespacedEventAsync(new Eventsv1Event
            {
                Metadata = new V1ObjectMeta { Name = "incomplete" },
                EventTime = DateTime.UtcNow,
                Reason = "Synced",
                Action = "Sync",
                Type = "Normal",
                ReportingInstance = "operator-0",
            }, kube.Namespace, cancellationToken: TestKube.Ct));
        Assert.Contains("reportingController: Required value", error.Response.Content);
    }
}
