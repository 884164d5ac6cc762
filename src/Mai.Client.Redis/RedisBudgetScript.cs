namespace Mai.Client.Redis;

/// <summary>The Lua script that checks and applies budget charges atomically, and how its arguments are laid out.</summary>
/// <remarks>
/// <para>Each counter is a hash with two integer fields: <c>t</c> (tokens) and <c>c</c> (cost in whole
/// <see cref="RedisBudgetUnits.CostScale"/> units). Both change only through <c>HINCRBY</c> with the delta passed as a string, so
/// Redis adds them as exact 64-bit integers and no value ever passes through a Lua number (a double).</para>
/// <para>The check compares the stored balance with a threshold (limit minus charge) computed exactly in .NET, as signed integer
/// strings of any length, so it too is exact.</para>
/// </remarks>
internal static class RedisBudgetScript
{
    /// <summary>The arguments per key: tokens, cost units, token threshold, cost threshold ('' for none), TTL in ms ('' for none).</summary>
    public const int ArgsPerKey = 5;

    /// <summary>Returns <c>{-1}</c> when every charge was applied, or <c>{index, tokens, cost}</c> (0-based; the refused counter's
    /// balance as strings) when one did not fit and nothing was applied.</summary>
    public const string Source = """
        local function lte(a, b)
          local na = string.sub(a, 1, 1) == '-'
          local nb = string.sub(b, 1, 1) == '-'
          if na ~= nb then return na end
          if na then a = string.sub(a, 2); b = string.sub(b, 2) end
          local le
          if #a ~= #b then le = #a < #b else le = a <= b end
          if na then
            if #a ~= #b then return #a > #b end
            return a >= b
          end
          return le
        end
        for i = 1, #KEYS do
          local base = (i - 1) * 5
          local tokenMax = ARGV[base + 3]
          local costMax = ARGV[base + 4]
          if tokenMax ~= '' or costMax ~= '' then
            local v = redis.call('HMGET', KEYS[i], 't', 'c')
            local t = v[1] or '0'
            local c = v[2] or '0'
            if (tokenMax ~= '' and not lte(t, tokenMax)) or (costMax ~= '' and not lte(c, costMax)) then
              return {i - 1, t, c}
            end
          end
        end
        for i = 1, #KEYS do
          local base = (i - 1) * 5
          redis.call('HINCRBY', KEYS[i], 't', ARGV[base + 1])
          redis.call('HINCRBY', KEYS[i], 'c', ARGV[base + 2])
          local ttl = ARGV[base + 5]
          if ttl ~= '' then redis.call('PEXPIRE', KEYS[i], ttl) end
        end
        return {-1}
        """;
}
