<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-874">
<title>เข้าสู่ระบบ :: องค์การบริหารส่วนตำบลสวนดอก</title>
</head>
<body bgcolor="#e8efe0" style="font-family:Tahoma; font-size:13px;">
<br><br>
<table width="380" align="center" border="1" bordercolor="#3f7d2a" cellspacing="0" cellpadding="10" bgcolor="#FFFFFF">
  <tr><td bgcolor="#2d5e1c" align="center"><font color="#FFFFFF"><b>ระบบบริหารจัดการเว็บไซต์ อบต.สวนดอก</b></font></td></tr>
  <tr><td>
    <p>กรุณาเข้าสู่ระบบเพื่อใช้งาน (เฉพาะผู้ที่ได้รับอนุญาต)</p>
    <form method="post" action="login.php">
      <table border="0" cellpadding="4">
        <tr><td>ชื่อผู้ใช้ (Username)</td><td><input type="text" name="username" size="20"></td></tr>
        <tr><td>รหัสผ่าน (Password)</td><td><input type="password" name="password" size="20"></td></tr>
        <tr><td></td><td><input type="submit" value="เข้าสู่ระบบ"> <input type="reset" value="ล้างข้อมูล"></td></tr>
      </table>
    </form>
    <p><a href="./index.html">&laquo; กลับหน้าหลัก</a></p>
  </td></tr>
</table>
</body>
</html>
