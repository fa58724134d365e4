using System.Text;
using Operator.Stores;

namespace Operator.Tests.Stores;

/// <summary>Test shorthand: store values are bytes; most cases read and write UTF-8 text.</summary>
internal static class StoreValueText
{
    /// <summary>The value's bytes as UTF-8 text.</summary>
    public static string Text(this StoreValue value) => Encoding.UTF8.GetString(value.Value.Span);

    /// <summary>Writes <paramref name="text"/> as UTF-8.</summary>
    public static Task<string?> WriteAsync(this ISecretStore store, string path, string text, CancellationToken cancellationToken) =>
        store.WriteAsync(path, Encoding.UTF8.GetBytes(text), cancellationToken);
}
