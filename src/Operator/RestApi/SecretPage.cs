using System.Text;
using Operator.Stores;

namespace Operator.RestApi;

/// <summary>A page of secrets.</summary>
public sealed record SecretPage(IReadOnlyList<SecretView> Data, Pagination Pagination);
