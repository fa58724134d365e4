using System.Text;
using System.Text.Json;

namespace Operator.Controllers;

/// <summary>
/// dataFrom.extract: a JSON object value expanded into one entry per property, as External Secrets Operator does
/// (strings as their text, every other value, nested objects and arrays included, as its JSON text). Messages never
/// show the value: only where parsing failed and what kind of JSON it is. A failure is retried with backoff: the store
/// value may be fixed without any change to the group.
/// </summary>
public static class JsonExtract
{
    /// <summary>The most properties one extracted object may have (as many keys as spec.secrets may list).</summary>
    public const int MaxProperties = 500;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    /// <summary>(property name, value bytes) in document order; a value that is not a JSON object is a <see cref="ConditionException"/> naming <paramref name="field"/>.</summary>
    public static IReadOnlyList<(string Name, byte[] Value)> Expand(ReadOnlyMemory<byte> value, string field, string remoteRef)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(value, Options);
        }
        catch (JsonException e)
        {
            throw NotAnObject(field, remoteRef, $"is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw NotAnObject(field, remoteRef, $"is JSON {Kind(root.ValueKind)}, not an object");
            }

            var entries = new List<(string, byte[])>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (entries.Count == MaxProperties)
                {
                    throw NotAnObject(field, remoteRef, $"has more than {MaxProperties} properties");
                }

                if (!seen.Add(property.Name))
                {
                    throw NotAnObject(field, remoteRef, $"has property {Echo.Quote(property.Name)} twice");
                }

                var bytes = property.Value.ValueKind == JsonValueKind.String
                    ? Encoding.UTF8.GetBytes(property.Value.GetString()!)
                    : Encoding.UTF8.GetBytes(property.Value.GetRawText());
                entries.Add((property.Name, bytes));
            }

            return entries;
        }
    }

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static ConditionException NotAnObject(string field, string remoteRef, string problem) =>
        new("InvalidExtract", $"{field}: the value of {Echo.Quote(remoteRef)} {problem}; extract needs a JSON object; the managed Secret is unchanged", retry: true);
}
