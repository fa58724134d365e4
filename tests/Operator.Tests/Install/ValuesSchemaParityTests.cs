using System.Text.Json.Nodes;
using Operator.Hosting;
using Operator.Hosting.Flags;
using Operator.Tests.Install.Helm;

namespace Operator.Tests.Install;

/// <summary>
/// Issue 14, Must show 5: Helm refuses every value the binary refuses. Each flag the chart passes is fed its type's
/// invalid examples; the binary must refuse each (as the chart renders it into args), and Helm must refuse it too, by
/// the values schema or by a template's fail. Cross-flag rules (one port per listener) are fed the same way.
/// </summary>
public sealed class ValuesSchemaParityTests
{
    public static TheoryData<string, string> Examples()
    {
        var data = new TheoryData<string, string>();
        foreach (var flag in OperatorFlags.All.Where(f => f.HelmValue is not null))
        {
            foreach (var example in flag.InvalidExamples)
            {
                data.Add(flag.Name, example.ToJsonString());
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void AValueTheBinaryRefuses_HelmRefusesToo(string flagName, string example)
    {
        var flag = OperatorFlags.All.Single(f => f.Name == flagName);
        var value = JsonNode.Parse(example)!;
        Assert.False(FlagParser.Parse([$"{flag.Switch}={flag.ArgumentOf(value)}"], new Dictionary<string, string>()).IsValid, $"the binary accepts {flag.Switch}={flag.ArgumentOf(value)}");

        var rendering = new HelmChart().Render(At(flag.HelmValue!, value, Enabling(flag)));

        Assert.True(rendering.Refused || DeploymentArgsParse(rendering), $"Helm accepts {flag.HelmValue}={example} and renders args the operator refuses");
    }

    [Theory]
    [InlineData("""{ "health": { "port": 8080 } }""")]
    [InlineData("""{ "metrics": { "port": 8081 } }""")]
    [InlineData("""{ "webhook": { "enabled": true, "port": 8080 } }""")]
    [InlineData("""{ "api": { "enabled": true, "port": 8081 } }""")]
    [InlineData("""{ "webhook": { "enabled": true, "port": 9000 }, "api": { "enabled": true, "port": 9000 } }""")]
    public void TwoListenersOnOnePort_AreRefusedByHelm_AsByTheBinary(string overrides)
    {
        var rendering = new HelmChart().Render(JsonNode.Parse(overrides)!.AsObject());

        Assert.True(rendering.Refused);
        Assert.Contains("each listener needs its own port", rendering.TemplateError, StringComparison.Ordinal);
    }

    [Fact]
    public void ValuesTheBinaryAccepts_HelmAcceptsToo() =>
        Assert.False(new HelmChart().Render(JsonNode.Parse("""{ "webhook": { "enabled": true, "port": 8082 } }""")!.AsObject()).Refused, "a disabled API's port clashes with nothing");

    private static bool DeploymentArgsParse(HelmChart.Rendering rendering)
    {
        var args = rendering.Objects().Deployment().Spec.Template.Spec.Containers.Single().Args.Select(a => a.Replace("$(POD_NAMESPACE)", "ns", StringComparison.Ordinal)).ToList();
        return FlagParser.Parse(args, new Dictionary<string, string>()).IsValid;
    }

    /// <summary>The value of a feature's flag matters only with the feature on.</summary>
    private static string? Enabling(Flag flag) => flag.HelmValue!.Split('.') switch
    {
        ["webhook", not "enabled", ..] => "webhook.enabled",
        ["api", not "enabled", ..] => "api.enabled",
        _ => null,
    };

    private static JsonObject At(string path, JsonNode value, string? enabled)
    {
        var root = new JsonObject();
        if (enabled is not null)
        {
            Set(root, enabled, JsonValue.Create(true));
        }

        Set(root, path, value.DeepClone());
        return root;
    }

    private static void Set(JsonObject root, string path, JsonNode value)
    {
        var parts = path.Split('.');
        var node = root;
        foreach (var part in parts[..^1])
        {
            node = (node[part] ??= new JsonObject()).AsObject();
        }

        node[parts[^1]] = value;
    }
}
