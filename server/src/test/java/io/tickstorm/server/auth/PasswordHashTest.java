package io.tickstorm.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;

class PasswordHashTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void verifiesTheArgon2idReferenceVectorInPhcForm() {
        // From the Argon2 reference implementation's tests (also used by RustCrypto's argon2 crate).
        PasswordHash hash = PasswordHash
                .parse("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc");

        assertInstanceOf(Argon2idHash.class, hash);
        assertTrue(hash.matches(utf8("password")));
        assertFalse(hash.matches(utf8("passwore")));
    }

    @Test
    void createdArgon2idHashVerifiesOnlyItsPassword() {
        Argon2idHash hash = Argon2idHash.create(utf8("s3cret é"), 64, 1, 1, RANDOM);

        PasswordHash reparsed = PasswordHash.parse(hash.encoded());

        assertTrue(reparsed.encoded().startsWith("$argon2id$v=19$m=64,t=1,p=1$"));
        assertEquals(hash, reparsed);
        assertTrue(reparsed.matches(utf8("s3cret é")));
        assertFalse(reparsed.matches(utf8("s3cret e")));
        assertFalse(reparsed.matches(new byte[0]));
    }

    @Test
    void rehashKeepsTheCostWithAFreshSalt() {
        Argon2idHash hash = Argon2idHash.create(utf8("a"), 64, 2, 1, RANDOM);

        PasswordHash again = hash.rehash(utf8("a"), RANDOM);

        assertEquals(hash.cost(), again.cost());
        assertNotEquals(hash, again);
        assertTrue(again.matches(utf8("a")));
    }

    @Test
    void verifiesBcryptMadeByBouncyCastleInEveryVersion() {
        for (String version : new String[] {"2a", "2b", "2y"}) {
            byte[] salt = new byte[16];
            RANDOM.nextBytes(salt);
            String encoded = OpenBSDBCrypt.generate(version, "hunter2".toCharArray(), salt, 4);

            PasswordHash hash = PasswordHash.parse(encoded);

            assertInstanceOf(BcryptHash.class, hash);
            assertTrue(hash.matches(utf8("hunter2")), version);
            assertFalse(hash.matches(utf8("hunter3")), version);
        }
    }

    @Test
    void verifiesAPublishedBcryptVector() {
        // OpenBSD/OpenWall bcrypt test vector.
        PasswordHash hash = PasswordHash.parse("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW");

        assertTrue(hash.matches(utf8("U*U")));
        assertFalse(hash.matches(utf8("U*U*")));
    }

    @Test
    void createdBcryptHashVerifies() {
        BcryptHash hash = BcryptHash.create(utf8("pw"), 4, RANDOM);

        assertTrue(hash.encoded().startsWith("$2b$04$"));
        assertTrue(PasswordHash.parse(hash.encoded()).matches(utf8("pw")));
        assertFalse(hash.rehash(utf8("pw"), RANDOM).matches(utf8("px")));
    }

    @Test
    void rejectsMalformedHashesWithoutQuotingThem() {
        String salt = "c29tZXNhbHQ";
        String[] bad = {
            "plaintext",
            "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$argon2id$v=16$m=65536,t=2,p=1$" + salt + "$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$argon2id$v=19$t=2,m=65536,p=1$" + salt + "$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$argon2id$v=19$m=4,t=2,p=1$" + salt + "$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$argon2id$v=19$m=65536,t=0,p=1$" + salt + "$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$argon2id$v=19$m=65536,t=2,p=1$" + salt + "$CTFhFdXP*O1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$argon2id$v=19$m=65536,t=2,p=1$c29t$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$argon2id$v=19$m=65536,t=2,p=1$" + salt,
            "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe",
            "$2b$03$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
            "$2b$05$CCCCCCCCCCCCCCCCCCCCC+E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
            "$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
            // Non-zero spare bits in the salt's last character: such a hash could never verify.
            "$2b$05$CCCCCCCCCCCCCCCCCCCCCDE5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
        };
        for (String encoded : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PasswordHash.parse(encoded), encoded);
            assertFalse(e.getMessage().contains("CTFhFdXP"), e.getMessage());
            assertFalse(e.getMessage().contains("E5YPO9km"), e.getMessage());
        }
    }

    @Test
    void toStringShowsTheCostButNeverTheHash() {
        Argon2idHash argon = Argon2idHash.create(utf8("x"), 64, 1, 1, RANDOM);
        BcryptHash bcrypt = BcryptHash.create(utf8("x"), 4, RANDOM);

        assertEquals("argon2id(m=64,t=1,p=1)", argon.toString());
        assertEquals("bcrypt(2b,cost=4)", bcrypt.toString());
    }
}
