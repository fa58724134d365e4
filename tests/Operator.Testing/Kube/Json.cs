using System.Text.Encodings.Web;
using System.Text.Json;

namespace Operator.Testing.Kube;

internal static class Json
{
    /// <summary>Like the real server, write quotes and '+' as themselves rather than \u0022 escapes; bodies are never embedded in HTML.</summary>
    public static JsonSerializerOptions Options { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
