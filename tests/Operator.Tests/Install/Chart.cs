using System.Text.Json.Nodes;
using Operator.Tests.Manifests;

namespace Operator.Tests.Install;

/// <summary>The Helm chart's files, read from the checkout.</summary>
internal static class Chart
{
    public const string Folder = "charts/secretgroup-operator";

    public static string Text(string relativePath) => File.ReadAllText(RepositoryRoot.File($"{Folder}/{relativePath}")).ReplaceLineEndings("\n");

    public static JsonObject Values() => YamlJson.Parse(Text("values.yaml"))!.AsObject();

    public static JsonNode Schema() => JsonNode.Parse(Text("values.schema.json"))!;

    public static IReadOnlyDictionary<string, string> Templates() =>
        Directory.EnumerateFiles(RepositoryRoot.File($"{Folder}/templates"))
            .Order(StringComparer.Ordinal)
            .ToDictionary(f => Path.GetFileName(f), f => File.ReadAllText(f).ReplaceLineEndings("\n"));
}
