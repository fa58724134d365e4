using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using k8s;
using k8s.Autorest;

namespace Operator.Runtime;

/// <summary>
/// One watch request, read line by line with <see cref="WatchEventReader"/>. It goes through the client's own
/// <see cref="Kubernetes.HttpClient"/> (its handlers, TLS and client certificates) and <see cref="Kubernetes.Credentials"/>
/// (bearer tokens, refreshed service account tokens), as the client's generated methods do; a non-2xx answer throws
/// <see cref="HttpOperationException"/> as they do, so 410 Gone is recognised the same way.
/// </summary>
internal static class WatchStream
{
    /// <summary>Opens the watch at <paramref name="relativeUri"/>; ERROR events go to <paramref name="onError"/>, unreadable lines throw <see cref="WatchDecodeException"/>.</summary>
    public static async IAsyncEnumerable<(WatchEventType Type, TEntity Object)> ReadAsync<TEntity>(
        Kubernetes client, string relativeUri, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
        where TEntity : class
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(client.BaseUri, relativeUri)) { Version = HttpVersion.Version20 };
        if (client.Credentials is { } credentials)
        {
            await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
        }

        using var response = await client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpOperationException($"Operation returned an invalid status code '{response.StatusCode}'")
            {
                Request = new HttpRequestMessageWrapper(request, string.Empty),
                Response = new HttpResponseMessageWrapper(response, body),
            };
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var decoded = WatchEventReader.Read<TEntity>(line);
            if (decoded.Status is { } status)
            {
                // As the library's watcher: the server's ERROR event (410 Gone, most often) is reported, not yielded.
                onError(new KubernetesException(status));
            }
            else
            {
                yield return (decoded.Type, decoded.Object!);
            }
        }
    }
}
