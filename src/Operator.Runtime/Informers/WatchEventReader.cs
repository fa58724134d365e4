using System.Text.Json;
using k8s;
using k8s.Models;

namespace Operator.Runtime;

/// <summary>
/// Reads one line of a watch stream (<c>{"type":"ADDED","object":{...}}</c>) into its type and object. The object goes
/// through <see cref="KubernetesJson"/> exactly as a listed item does; the envelope is read by hand, so no reflection
/// over the library's generic <c>Watcher&lt;T&gt;.WatchEvent</c> is needed (under Native AOT that reflection threw on
/// every line, and the library passed each failure to a callback while the stream went on).
/// </summary>
internal static class WatchEventReader
{
    /// <summary>A decoded line: an event of <paramref name="Type"/> with its object, or the Status of an ERROR event.</summary>
    internal readonly record struct Line<TEntity>(WatchEventType Type, TEntity? Object, V1Status? Status);

    /// <summary>Decodes <paramref name="line"/>; throws <see cref="WatchDecodeException"/> when it is not a watch event of <typeparamref name="TEntity"/>.</summary>
    public static Line<TEntity> Read<TEntity>(string line)
        where TEntity : class
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
            {
                throw new WatchDecodeException(typeof(TEntity), "the line has no string field 'type'");
            }

            if (!root.TryGetProperty("object", out var obj) || obj.ValueKind != JsonValueKind.Object)
            {
                throw new WatchDecodeException(typeof(TEntity), "the line has no object field 'object'");
            }

            var typeName = typeElement.GetString()!;
            var type = ParseType(typeName)
                ?? throw new WatchDecodeException(typeof(TEntity), $"unknown event type '{typeName[..Math.Min(typeName.Length, 32)]}'");
            if (type == WatchEventType.Error)
            {
                return new Line<TEntity>(type, null, KubernetesJson.Deserialize<V1Status>(obj));
            }

            var entity = KubernetesJson.Deserialize<TEntity>(obj)
                ?? throw new WatchDecodeException(typeof(TEntity), "the event's object is null");
            return new Line<TEntity>(type, entity, null);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            throw new WatchDecodeException(typeof(TEntity), e.Message, e);
        }
    }

    private static WatchEventType? ParseType(string type) => type switch
    {
        "ADDED" => WatchEventType.Added,
        "MODIFIED" => WatchEventType.Modified,
        "DELETED" => WatchEventType.Deleted,
        "BOOKMARK" => WatchEventType.Bookmark,
        "ERROR" => WatchEventType.Error,
        _ => null,
    };
}
