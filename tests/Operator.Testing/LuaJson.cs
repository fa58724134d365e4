using System.Text;
using System.Text.Json;

namespace Operator.Testing;

/// <summary>A Kubernetes object's JSON as a Lua table literal, the form Argo CD hands its Lua scripts as <c>obj</c>.</summary>
public static class LuaJson
{
    public static string Literal(string json)
    {
        using var document = JsonDocument.Parse(json);
        return LuaLiteral(document.RootElement);
    }

    private static string LuaLiteral(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(", ", element.EnumerateObject().Select(p => $"[{LuaString(p.Name)}] = {LuaLiteral(p.Value)}")) + "}",
        JsonValueKind.Array => "{" + string.Join(", ", element.EnumerateArray().Select(LuaLiteral)) + "}",
        JsonValueKind.String => LuaString(element.GetString()!),
        JsonValueKind.Number => element.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => "nil",
    };

    private static string LuaString(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in text)
        {
            sb.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\n' => "\\n",
                '\r' => "\\r",
                _ => c.ToString(),
            });
        }

        return sb.Append('"').ToString();
    }
}
