using System.Text.Json.Nodes;
using Operator.Tests.Install.Helm;

namespace Operator.Tests.Install;

/// <summary>The chart's REST API pieces, rendered: TLS and audience passed to the binary, a Service, a NetworkPolicy that lets only named peers call it.</summary>
public sealed class ApiChartTests
{
    private static HelmChart.Rendering Render(string overrides)
    {
        var rendering = new HelmChart().Render(JsonNode.Parse(overrides)!.AsObject());
        Assert.False(rendering.Refused, string.Join("; ", rendering.SchemaErrors) + rendering.TemplateError);
        return rendering;
    }

    private static JsonObject Single(HelmChart.Rendering rendering, string kind, string name) =>
        Assert.Single(rendering.Objects(), o => (string?)o["kind"] == kind && (string?)o["metadata"]!["name"] == name);

    [Fact]
    public void WithTheApi_TheDeploymentGetsTlsTheAudienceAndRateFlags_AndTheNetworkPolicyNamesItsCallers()
    {
        var rendering = Render("""{ "api": { "enabled": true } }""");

        var args = Single(rendering, "Deployment", HelmChart.ReleaseName)["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Subset(
            new HashSet<string>(args),
            new HashSet<string>
            {
                "--api-audience=secretgroup-api", "--api-insecure-http=false", "--api-cert-manager=false", "--api-rate-limit=600", "--api-rate-burst=20",
                $"--api-service-name={HelmChart.ReleaseName}-api", $"--api-cert-secret={HelmChart.ReleaseName}-api-tls",
            });
        var policy = Assert.Single(rendering.Objects(), o => (string?)o["kind"] == "NetworkPolicy");
        var apiRule = Assert.Single(policy["spec"]!["ingress"]!.AsArray(), r => r!["ports"]!.AsArray().Any(p => (long?)p!["port"] == 8082))!;
        Assert.Equal("true", (string?)Assert.Single(apiRule["from"]!.AsArray())!["podSelector"]!["matchLabels"]!["secrets.tfy.dev/api-client"]);
        Assert.Equal("https", (string?)Single(rendering, "Service", $"{HelmChart.ReleaseName}-api")["spec"]!["ports"]![0]!["name"]);
    }

    [Fact]
    public void WithCertManager_ACertificateForTheApiServiceWritesTheSecretTheOperatorReads()
    {
        var rendering = Render("""{ "api": { "enabled": true, "certManager": { "enabled": true } } }""");

        var certificate = Single(rendering, "Certificate", $"{HelmChart.ReleaseName}-api");
        Assert.Equal($"{HelmChart.ReleaseName}-api-tls", (string?)certificate["spec"]!["secretName"]);
        Assert.Contains($"{HelmChart.ReleaseName}-api.{HelmChart.ReleaseNamespace}.svc", certificate["spec"]!["dnsNames"]!.AsArray().Select(d => (string?)d));
    }

    [Theory]
    [InlineData("""{ "api": { "enabled": true }, "networkPolicy": { "apiFrom": [] } }""", "apiFrom")]
    [InlineData("""{ "api": { "enabled": true, "audience": "" } }""", "audience")]
    public void AnEmptyCallerListOrAudience_IsRefused(string overrides, string field)
    {
        var rendering = new HelmChart().Render(JsonNode.Parse(overrides)!.AsObject());

        Assert.True(rendering.Refused);
        Assert.Contains(rendering.SchemaErrors, e => e.Contains(field, StringComparison.Ordinal));
    }
}
