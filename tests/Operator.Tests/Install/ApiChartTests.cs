namespace Operator.Tests.Install;

/// <summary>The chart's REST API pieces: TLS and audience passed to the binary, a Service, a NetworkPolicy that lets only named peers call it.</summary>
public sealed class ApiChartTests
{
    [Fact]
    public void Defaults_AreTlsTheDedicatedAudienceAndANetworkPolicyThatNamesItsCallers()
    {
        var values = Chart.Values();

        Assert.True((bool?)values["networkPolicy"]!["enabled"]);
        var from = Assert.Single(values["networkPolicy"]!["apiFrom"]!.AsArray())!;
        Assert.Equal("true", (string?)from["podSelector"]!["matchLabels"]!["secrets.tfy.dev/api-client"]);
        Assert.False((bool?)values["api"]!["insecureHttp"]);
        Assert.Equal("secretgroup-api", (string?)values["api"]!["audience"]);
        Assert.False((bool?)values["api"]!["certManager"]!["enabled"]);
    }

    [Fact]
    public void Schema_RefusesAnEmptyCallerListAndAnEmptyAudience()
    {
        var values = Chart.Values();
        values["networkPolicy"]!["apiFrom"] = new System.Text.Json.Nodes.JsonArray();
        values["api"]!["audience"] = "";

        var errors = MiniJsonSchema.Validate(Chart.Schema(), values);

        Assert.Contains(errors, e => e.StartsWith("networkPolicy.apiFrom:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("api.audience:", StringComparison.Ordinal));
    }

    [Fact]
    public void Deployment_PassesTheApiSecurityFlags_OnlyWithTheApi()
    {
        var deployment = Chart.Templates()["deployment.yaml"];
        var guard = deployment.IndexOf("{{- if .Values.api.enabled }}", StringComparison.Ordinal);
        var end = deployment.IndexOf("{{- end }}", guard, StringComparison.Ordinal);
        var args = deployment[guard..end];

        string[] flags =
        [
            "--api-audience={{ .Values.api.audience }}",
            "--api-service-name={{ include \"secretgroup-operator.apiName\" . }}",
            "--api-cert-secret={{ include \"secretgroup-operator.apiCertSecret\" . }}",
            "--api-cert-manager={{ .Values.api.certManager.enabled }}",
            "--api-insecure-http={{ .Values.api.insecureHttp }}",
            "--api-rate-limit={{ .Values.api.rateLimit }}",
            "--api-rate-burst={{ .Values.api.rateBurst }}",
        ];
        Assert.All(flags, f => Assert.Contains(f, args, StringComparison.Ordinal));
    }

    [Fact]
    public void NetworkPolicy_OpensTheApiPortOnlyToApiFrom()
    {
        var policy = Chart.Templates()["networkpolicy.yaml"];
        var guard = policy.IndexOf("{{- if .Values.api.enabled }}", StringComparison.Ordinal);
        var rule = policy[guard..policy.IndexOf("{{- end }}", guard, StringComparison.Ordinal)];

        Assert.Contains("- port: {{ .Values.api.port }}", rule, StringComparison.Ordinal);
        Assert.Contains("from:\n        {{- toYaml .Values.networkPolicy.apiFrom | nindent 8 }}", rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Service_AndCertManagerCertificate_NameTheSameApiService()
    {
        var service = Chart.Templates()["service.yaml"];

        Assert.Contains("name: {{ include \"secretgroup-operator.apiName\" . }}\n  namespace", service, StringComparison.Ordinal);
        Assert.Contains("secretName: {{ include \"secretgroup-operator.apiCertSecret\" . }}", service, StringComparison.Ordinal);
        Assert.Contains("- {{ include \"secretgroup-operator.apiName\" . }}.{{ .Release.Namespace }}.svc\n", service, StringComparison.Ordinal);
        Assert.Contains("{{- if and .Values.api.certManager.enabled (not .Values.api.insecureHttp) }}", service, StringComparison.Ordinal);
    }
}
