using System.ClientModel;
using System.ClientModel.Primitives;

namespace Mai.Client.Transport;

/// <summary>
/// Caches the token of an <see cref="AuthenticationTokenProvider"/> (an Azure.Core <c>TokenCredential</c> is one) for the
/// System.ClientModel <see cref="BearerTokenPolicy"/>, which asks its provider on every request: without a cache, a credential
/// that does not cache itself (Azure CLI, Azure Developer CLI, PowerShell) would start a process per request. Behaves like
/// Azure.Core's <c>BearerTokenAuthenticationPolicy</c> cache: a token is reused until its <c>RefreshOn</c>, or until five minutes
/// before it expires; one caller refreshes while the others wait; if a refresh fails while the old token is still valid, the old
/// token is used.
/// </summary>
/// <remarks>One instance serves one policy, so one scope: the cache holds a single token.</remarks>
internal sealed class CachingTokenProvider : AuthenticationTokenProvider, IDisposable
{
    /// <summary>Azure.Core's refresh margin before expiry.</summary>
    internal static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly AuthenticationTokenProvider _inner;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AuthenticationToken? _token;

    public CachingTokenProvider(AuthenticationTokenProvider inner, TimeProvider timeProvider)
    {
        _inner = inner;
        _timeProvider = timeProvider;
    }

    public override GetTokenOptions? CreateTokenOptions(IReadOnlyDictionary<string, object> properties) => _inner.CreateTokenOptions(properties);

    public override AuthenticationToken GetToken(GetTokenOptions options, CancellationToken cancellationToken)
    {
        if (Fresh(Volatile.Read(ref _token)) is { } cached)
        {
            return cached;
        }

        _gate.Wait(cancellationToken);
        try
        {
            var current = _token;
            if (Fresh(current) is { } fresh)
            {
                return fresh;
            }

            try
            {
                var token = _inner.GetToken(options, cancellationToken);
                Volatile.Write(ref _token, token);
                return token;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested && Unexpired(current) is { } stillValid)
            {
                return stillValid;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public override async ValueTask<AuthenticationToken> GetTokenAsync(GetTokenOptions options, CancellationToken cancellationToken)
    {
        if (Fresh(Volatile.Read(ref _token)) is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = _token;
            if (Fresh(current) is { } fresh)
            {
                return fresh;
            }

            try
            {
                var token = await _inner.GetTokenAsync(options, cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _token, token);
                return token;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested && Unexpired(current) is { } stillValid)
            {
                return stillValid; // the service still accepts it; the next request tries to refresh again
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private AuthenticationToken? Fresh(AuthenticationToken? token)
    {
        if (token?.ExpiresOn is not { } expiresOn)
        {
            return null; // no expiry known: never reuse
        }

        var refreshAt = token.RefreshOn ?? expiresOn - RefreshMargin;
        return _timeProvider.GetUtcNow() < refreshAt ? token : null;
    }

    private AuthenticationToken? Unexpired(AuthenticationToken? token) =>
        token?.ExpiresOn is { } expiresOn && _timeProvider.GetUtcNow() < expiresOn ? token : null;
}
