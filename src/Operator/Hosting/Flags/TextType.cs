using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Operator.Entities.V1Alpha1;

namespace Operator.Hosting.Flags;

/// <summary>Text matching <paramref name="pattern"/> (RE2 and ECMA 262 alike, so Helm checks the same), at most <paramref name="maxLength"/> characters.</summary>
public sealed class TextType(string pattern, int maxLength, string allowed, string valueName = "<name>", params string[] invalid) : FlagType<string>
{
    /// <summary>A DNS-1123 label: tenant and namespace names.</summary>
    public static readonly TextType Label = new(Patterns.Name, 63, "a DNS label: lower-case letters, digits and '-', at most 63 characters", "<name>", "", "My_Tenant", "-x");

    /// <summary>A DNS-1123 subdomain: names of Secrets, Services and webhook configurations.</summary>
    public static readonly TextType Subdomain = new("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", 253, "a DNS subdomain: lower-case letters, digits, '-' and '.', at most 253 characters", "<name>", "", "Not_Valid", "x.");

    /// <summary>An absolute file-system path.</summary>
    public static readonly TextType AbsolutePath = new("^/.*$", 4096, "an absolute path", "<path>", "", "relative/dir");

    private readonly Regex regex = new(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public override string ValueName => valueName;

    public override string Allowed => allowed;

    public override bool TryParse(string text, out string value)
    {
        value = text;
        return text.Length <= maxLength && regex.IsMatch(text);
    }

    public override string Format(string value) => value;

    public override JsonObject Schema() => new() { ["type"] = "string", ["pattern"] = pattern, ["maxLength"] = maxLength };

    public override IReadOnlyList<JsonNode> InvalidExamples =>
        [.. invalid.Select(i => (JsonNode)JsonValue.Create(i)), JsonValue.Create(new string('a', maxLength + 1))];
}
